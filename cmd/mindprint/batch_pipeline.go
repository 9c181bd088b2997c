package main

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/mindprint/mindprint/classifier"
)

// batchJob is one record in the pipeline. The reader queues every record in
// input order; workers fill in the outcome of this shard's records and close
// done; the writer takes them in order.
type batchJob struct {
	it   batchItem
	mine bool // this shard's record (others are only counted)
	out  batchOutcome
	done chan struct{}
}

// closedDone is the done channel of records with nothing to do.
var closedDone = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// batchPipeline reads records in one goroutine, analyses them in
// cfg.Workers goroutines and writes them in input order from this one,
// checkpointing every cfg.CheckpointEvery. At most 5×workers records are in
// memory at once, whatever the size of the input.
//
// On cancellation it stops at once and returns context.Canceled: records
// still in flight are not written, and the last checkpoint (made by the
// caller) covers exactly what was.
func batchPipeline(ctx context.Context, an *classifier.Analyzer, cfg batchConfig, in *batchInput, lay *batchLayout, w *batchWriter, prog *batchProgress) error {
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := max(1, cfg.Workers)
	jobs := make(chan *batchJob, workers)
	order := make(chan *batchJob, 4*workers)
	for range workers {
		go func() {
			for j := range jobs {
				j.out = lay.process(an, &j.it)
				close(j.done)
			}
		}()
	}
	var readErr error // written before order is closed, read after
	go func() {
		defer close(jobs)
		defer close(order)
		for {
			rec, err := in.next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				readErr = err
				return
			}
			j := &batchJob{it: lay.prepare(rec), done: closedDone}
			key := j.it.id
			if j.it.rec.Problem != nil {
				key = "" // a broken record's id may be wrong: use its row number
			}
			j.mine = cfg.Shard.owns(key, rec.Row)
			if j.mine && j.it.rec.Problem == nil {
				j.done = make(chan struct{})
			} else if j.mine {
				j.out = lay.process(an, &j.it) // only encodes the problem
			}
			select {
			case order <- j:
			case <-ctx.Done():
				return
			}
			if j.done != closedDone {
				jobs <- j // workers always drain jobs, so this cannot block for good
			}
		}
	}()

	tick := time.NewTicker(cfg.CheckpointEvery)
	defer tick.Stop()
	finished := false
	var werr error
loop:
	for {
		select {
		case j, ok := <-order:
			if !ok {
				finished = true
				break loop
			}
			select {
			case <-j.done:
			case <-ctx.Done():
				break loop
			}
			if werr = w.record(&j.it, j.mine, &j.out); werr != nil {
				break loop
			}
		case <-tick.C:
			if werr = w.checkpoint(false); werr != nil {
				break loop
			}
		case <-ctx.Done():
			break loop
		}
	}
	switch {
	case werr != nil:
		return werr
	case !finished && parent.Err() != nil:
		return context.Canceled
	case readErr != nil:
		return readErr
	}
	return nil
}

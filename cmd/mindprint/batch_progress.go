package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// batchProgress reports progress on standard error: a bar redrawn in place
// on a terminal, a plain line every ProgressEvery otherwise (logs, CI,
// Kubernetes), nothing with --quiet. Percent and ETA come from the input
// bytes read, so they need a regular input file; rows/s needs nothing.
type batchProgress struct {
	w        io.Writer
	terminal bool
	quiet    bool
	every    time.Duration

	rows   atomic.Int64 // this shard's records handled, in all sessions
	offset atomic.Int64 // input bytes handled

	total     int64 // input bytes, 0 when unknown
	startOff  int64
	startRows int64
	start     time.Time

	mu    sync.Mutex
	shown bool // a bar is on the terminal's last line
	stop  chan struct{}
	done  chan struct{}
}

// batchBarInterval is how often the terminal bar is redrawn.
const batchBarInterval = 200 * time.Millisecond

func newBatchProgress(env *environ, cfg batchConfig) *batchProgress {
	return &batchProgress{w: env.stderr, terminal: isTerminal(env.stderr), quiet: cfg.Quiet, every: cfg.ProgressEvery}
}

// isTerminal reports whether w is a character device (a terminal), without
// a dependency: a file, a pipe or a buffer is not.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// begin starts reporting; total is the input size (0 when unknown) and
// offset and rows are where this session starts.
func (p *batchProgress) begin(total, offset int64, rows int) {
	p.total, p.startOff, p.startRows, p.start = total, offset, int64(rows), time.Now()
	p.offset.Store(offset)
	p.rows.Store(int64(rows))
	if p.quiet {
		return
	}
	every := p.every
	if p.terminal {
		every = batchBarInterval
	}
	if every <= 0 {
		return
	}
	p.stop, p.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(p.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case now := <-t.C:
				p.mu.Lock()
				if p.terminal {
					fmt.Fprintf(p.w, "\r%s\x1b[K", p.line(now))
					p.shown = true
				} else {
					fmt.Fprintf(p.w, "mindprint batch: %s\n", p.line(now))
				}
				p.mu.Unlock()
			}
		}
	}()
}

// update records progress; the writer calls it after every record.
func (p *batchProgress) update(rows int, offset int64) {
	p.rows.Store(int64(rows))
	p.offset.Store(offset)
}

// log prints a message line (a record's problem when there is no errors
// file) without tearing the bar.
func (p *batchProgress) log(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		io.WriteString(p.w, "\r\x1b[K")
		p.shown = false
	}
	io.WriteString(p.w, s)
}

// finish stops reporting and clears the bar.
func (p *batchProgress) finish() {
	if p.stop != nil {
		close(p.stop)
		<-p.done
		p.stop = nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		io.WriteString(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// line is one progress report: percent, bar and ETA when the size is
// known, rows and rows/s always.
func (p *batchProgress) line(now time.Time) string {
	elapsed := now.Sub(p.start).Seconds()
	rows, off := p.rows.Load(), p.offset.Load()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(rows-p.startRows) / elapsed
	}
	var b strings.Builder
	if p.total > 0 {
		frac := min(1, max(0, float64(off)/float64(p.total)))
		if p.terminal {
			const width = 24
			n := int(frac * width)
			fmt.Fprintf(&b, "[%s%s] ", strings.Repeat("#", n), strings.Repeat("-", width-n))
		}
		fmt.Fprintf(&b, "%5.1f%%  ", 100*frac)
	}
	fmt.Fprintf(&b, "%d rows  %.0f rows/s", rows, rate)
	if p.total > 0 {
		eta := "?"
		if done := off - p.startOff; done > 0 && elapsed > 0 {
			left := time.Duration(float64(p.total-off) / (float64(done) / elapsed) * float64(time.Second))
			eta = left.Round(time.Second).String()
		}
		fmt.Fprintf(&b, "  ETA %s", eta)
	}
	return b.String()
}

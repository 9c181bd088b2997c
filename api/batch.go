package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/mindprint/mindprint/classifier"
)

// NDJSONContentType is the media type of batch answers. Requests may use it
// or one of NDJSONRequestTypes.
const NDJSONContentType = "application/x-ndjson"

// NDJSONRequestTypes are the media types POST /v1/analyze/batch accepts.
var NDJSONRequestTypes = []string{NDJSONContentType, "application/ndjson", "application/jsonl", "application/x-jsonlines"}

// BatchLineError is the answer line of a batch line that could not be
// analysed: its id when it could be read, its line number in the request
// body (1-based, blank lines counted) and the problem, shaped like an HTTP
// problem answer.
type BatchLineError struct {
	ID    string   `json:"id,omitempty"`
	Line  int      `json:"line"`
	Error *Problem `json:"error"`
}

// batchLine is one non-blank line of a batch body.
type batchLine struct {
	n   int // 1-based line number in the body
	raw []byte
}

// bodyLines yields each line of an NDJSON body with its 1-based physical
// line number, without its "\n" (a "\r" before it is the caller's to
// trim), blank lines included.
func bodyLines(body []byte) iter.Seq2[int, []byte] {
	return func(yield func(int, []byte) bool) {
		for n := 1; len(body) > 0; n++ {
			line := body
			if i := bytes.IndexByte(body, '\n'); i >= 0 {
				line, body = body[:i], body[i+1:]
			} else {
				body = nil
			}
			if !yield(n, line) {
				return
			}
		}
	}
}

// splitBatch returns the non-blank lines of body. It stops counting past
// limit lines and reports that with ok=false.
func splitBatch(body []byte, limit int) (lines []batchLine, ok bool) {
	for n, line := range bodyLines(body) {
		line = bytes.TrimRight(line, "\r")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if len(lines) == limit {
			return nil, false
		}
		lines = append(lines, batchLine{n: n, raw: line})
	}
	return lines, true
}

// handleBatch serves POST /v1/analyze/batch: it validates the whole request
// up front (media type, size, line count), then streams one answer line per
// input line, in input order, as soon as each is ready. Lines are analysed
// by Config.BatchWorkers workers; at most a window of lines is ahead of the
// writer, so memory stays bounded however slowly the client reads. A client
// that goes away, or the batch timeout, stops the work.
func (s *Server) handleBatch(c fiber.Ctx) error {
	if p := checkEncoding(c); p != nil {
		return p
	}
	ct := c.Get(fiber.HeaderContentType)
	if mt, utf8OK := mediaType(ct); !utf8OK || !slices.Contains(NDJSONRequestTypes, mt) {
		return UnsupportedMedia(ct, NDJSONRequestTypes...)
	}
	// The body is copied because the answer streams after this handler
	// returns; nothing may then point into the server's request buffer.
	body := bytes.Clone(c.Request().Body())
	lines, ok := splitBatch(body, s.cfg.BatchMaxLines)
	if !ok {
		return NewProblem(fiber.StatusRequestEntityTooLarge, TypeTooManyLines, "Too many lines",
			fmt.Sprintf("a batch may hold at most %d lines; split the input", s.cfg.BatchMaxLines))
	}
	if len(lines) == 0 {
		return Invalid(FieldError{Field: "body", Code: "empty_batch",
			Detail: `the batch has no lines; send one JSON object per line, e.g. {"id": "1", "text": "..."}`})
	}
	an := s.analyzer.Load()
	rec := requestRecord{
		id:      RequestID(c),
		route:   routeLabel(c),
		method:  c.Method(),
		status:  fiber.StatusOK,
		bytesIn: len(body),
		key:     keyName(c),
	}
	start, _ := c.Locals(localStart).(time.Time)
	c.Locals(localStreaming, true)
	c.Set(fiber.HeaderContentType, NDJSONContentType)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Status(fiber.StatusOK)
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.BatchTimeout)
	s.metrics.inflight.Inc()
	return c.SendStreamWriter(func(w *bufio.Writer) {
		defer s.metrics.inflight.Dec()
		defer cancel()
		st := s.runBatch(ctx, cancel, an, lines, w, rec.id)
		s.metrics.batches.WithLabelValues(st.outcome).Inc()
		rec.duration = time.Since(start)
		rec.bytesOut = st.bytes
		rec.extra = []slog.Attr{
			slog.Int("lines", len(lines)), slog.Int("lines_answered", st.answered),
			slog.Int("lines_failed", st.failed), slog.String("outcome", st.outcome),
		}
		s.record(rec)
	})
}

// batchStats summarise one batch for its log line.
type batchStats struct {
	answered, failed, bytes int
	outcome                 string // complete, client_gone, timeout, canceled
}

// runBatch analyses lines with a bounded worker pool and writes the answers
// to w in input order, flushing whenever the next answer is not ready yet.
func (s *Server) runBatch(ctx context.Context, cancel context.CancelFunc, an *classifier.Analyzer, lines []batchLine, w *bufio.Writer, reqID string) batchStats {
	n := len(lines)
	workers := max(1, min(s.cfg.workers(), n))
	window := make(chan struct{}, max(64, 8*workers))
	type answer struct {
		i      int
		b      []byte
		failed bool
	}
	jobs := make(chan int)
	answers := make(chan answer, cap(window))
	go func() {
		defer close(jobs)
		for i := range n {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				if ctx.Err() != nil {
					return
				}
				b, failed := s.batchLine(an, lines[i], reqID)
				select {
				case answers <- answer{i, b, failed}:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	defer wg.Wait()
	defer cancel()

	var st batchStats
	pending := make([]*answer, n)
	next := 0
	for next < n {
		select {
		case a := <-answers:
			pending[a.i] = &a
		case <-ctx.Done():
			st.outcome = "canceled"
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				st.outcome = "timeout"
				p := NewProblem(fiber.StatusServiceUnavailable, TypeTimeout, "Timeout",
					fmt.Sprintf("the batch did not finish within %s; lines from %d on were not analysed", s.cfg.BatchTimeout, lines[next].n))
				p.Instance = reqID
				b, _ := json.Marshal(BatchLineError{Line: lines[next].n, Error: p})
				nb, _ := w.Write(append(b, '\n'))
				st.bytes += nb
				_ = w.Flush()
			}
			return st
		}
		for next < n && pending[next] != nil {
			a := pending[next]
			pending[next] = nil
			next++
			<-window
			nb, err := w.Write(a.b)
			st.bytes += nb
			if err != nil {
				st.outcome = "client_gone"
				return st
			}
			st.answered++
			if a.failed {
				st.failed++
				s.metrics.batchLines.WithLabelValues("error").Inc()
			} else {
				s.metrics.batchLines.WithLabelValues("ok").Inc()
			}
		}
		if len(answers) == 0 {
			if err := w.Flush(); err != nil {
				st.outcome = "client_gone"
				return st
			}
		}
	}
	st.outcome = "complete"
	return st
}

// batchLine analyses one line and returns its answer line (with the
// newline) and whether it is an error.
func (s *Server) batchLine(an *classifier.Analyzer, l batchLine, reqID string) (out []byte, failed bool) {
	defer func() {
		if r := recover(); r != nil {
			_ = s.recovered(reqID, "/v1/analyze/batch", r)
			p := internalProblem()
			p.Instance = reqID
			out, failed = lineError("", l.n, p), true
		}
	}()
	in, fieldErrs, p := decodeAnalyzeJSON(l.raw)
	if p == nil {
		res, err := analyzeInput(an, in, fieldErrs)
		if err == nil {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err = enc.Encode(res); err == nil {
				s.metrics.analyses.WithLabelValues(res.Language.Code).Inc()
				return buf.Bytes(), false
			}
		}
		var internal bool
		p, internal = problemFor(err)
		if internal {
			s.log.Error("internal error in a batch line", "request_id", reqID, "line", l.n, "error", err.Error())
			p = internalProblem()
			p.Instance = reqID
		}
	}
	id := in.ID
	if len(id) > MaxIDBytes {
		id = ""
	}
	return lineError(id, l.n, p), true
}

func lineError(id string, n int, p *Problem) []byte {
	b, err := json.Marshal(BatchLineError{ID: id, Line: n, Error: p})
	if err != nil {
		b = fmt.Appendf(nil, `{"line":%d,"error":{"type":%q,"title":"Internal error","status":500}}`, n, TypeInternal)
	}
	return append(b, '\n')
}

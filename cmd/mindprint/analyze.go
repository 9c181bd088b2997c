package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"

	"github.com/mindprint/mindprint/classifier"
)

// maxNDJSONLine bounds one input line of `analyze --ndjson` (8 MiB); a longer
// line is answered with an error on its line and skipped, not buffered.
const maxNDJSONLine = 8 << 20

func runAnalyze(ctx context.Context, env *environ, args []string) error {
	fs := newFlagSet(env, "analyze", "[--lang xx] [--pretty] [TEXT | -]\n       mindprint analyze --ndjson < in.ndjson > out.ndjson",
		"Scores one text and prints the analysis as JSON: detected language, Big Five trait scores with\n"+
			"percentiles and evidence (byte offsets), mindset, flags and the lexicon version.\n"+
			"TEXT is the text itself; - or no argument reads the whole of standard input.\n\n"+
			"With --ndjson, reads one {\"id\",\"text\",\"lang\"} object per line from standard input and writes\n"+
			"one result per line in the same order; a bad line gets {\"id\",\"line\",\"error\"} and the run goes on.")
	lang := fs.String("lang", "", "language hint (ISO 639-1: en, fi, lv, pl); skips detection")
	pretty := fs.Bool("pretty", false, "indent the JSON output")
	ndjson := fs.Bool("ndjson", false, "stream NDJSON lines from standard input")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "parallel workers for --ndjson")
	if err := parseFlags(env, fs, args); err != nil {
		return err
	}
	an, err := newAnalyzer(env)
	if err != nil {
		return err
	}
	if *ndjson {
		if fs.NArg() > 0 {
			fmt.Fprintln(env.stderr, "mindprint analyze: --ndjson reads standard input and takes no TEXT argument")
			return errUsage
		}
		return analyzeNDJSON(ctx, an, env.stdin, env.stdout, *workers)
	}
	var text string
	switch {
	case fs.NArg() > 1:
		fmt.Fprintln(env.stderr, "mindprint analyze: give the text as one argument (quote it) or on standard input")
		return errUsage
	case fs.NArg() == 1 && fs.Arg(0) != "-":
		text = fs.Arg(0)
	default:
		b, err := io.ReadAll(io.LimitReader(env.stdin, classifier.DefaultMaxTextBytes+1))
		if err != nil {
			return fmt.Errorf("reading standard input: %w", err)
		}
		text = string(b)
	}
	res, err := an.Analyze(classifier.Input{Text: text, Lang: *lang})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(env.stdout)
	enc.SetEscapeHTML(false)
	if *pretty {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(res)
}

// newAnalyzer builds the analyzer the CLI commands share: embedded lexicons
// (or MINDPRINT_LEXICONS), the shared detector, and the embedded norms.
func newAnalyzer(env *environ) (*classifier.Analyzer, error) {
	opts, err := analyzerOptions(env)
	if err != nil {
		return nil, err
	}
	return classifier.New(opts...)
}

// ndjsonLine is one input line of `analyze --ndjson`.
type ndjsonLine struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	Lang string `json:"lang"`
}

// lineError is the output for a line that could not be analysed.
type lineError struct {
	ID    string           `json:"id"`
	Line  int              `json:"line"`
	Error classifier.Error `json:"error"`
}

// analyzeNDJSON scores lines in parallel and writes results in input order.
// Memory is bounded: at most 2×workers lines are in flight.
func analyzeNDJSON(ctx context.Context, an *classifier.Analyzer, r io.Reader, w io.Writer, workers int) error {
	workers = max(1, workers)
	type job struct {
		n    int
		line []byte
		err  *classifier.Error
		out  chan []byte
	}
	jobs := make(chan *job, workers)
	order := make(chan *job, 2*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.out <- analyzeLine(an, j.n, j.line, j.err)
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		defer close(order)
		defer close(jobs)
		br := bufio.NewReaderSize(r, 64<<10)
		for n := 1; ; n++ {
			line, tooLong, err := readLine(br, maxNDJSONLine)
			if len(line) == 0 && !tooLong && err != nil {
				if !errors.Is(err, io.EOF) {
					readErr <- err
				}
				return
			}
			j := &job{n: n, line: line, out: make(chan []byte, 1)}
			if tooLong {
				j.err = &classifier.Error{Code: "line_too_long", Field: "line", Message: fmt.Sprintf("line is longer than %d bytes", maxNDJSONLine)}
			}
			if len(bytes.TrimSpace(line)) == 0 && !tooLong {
				if err != nil {
					return
				}
				continue // blank lines are skipped; line numbers stay physical, as in the API
			}
			select {
			case order <- j:
			case <-ctx.Done():
				return
			}
			jobs <- j
			if err != nil {
				return
			}
		}
	}()
	bw := bufio.NewWriter(w)
	var werr error
	for j := range order {
		out := <-j.out
		if werr == nil {
			if _, werr = bw.Write(out); werr == nil && bw.Buffered() > 32<<10 {
				werr = bw.Flush()
			}
		}
	}
	wg.Wait()
	if werr == nil {
		werr = bw.Flush()
	}
	select {
	case err := <-readErr:
		return fmt.Errorf("reading standard input: %w", err)
	default:
	}
	if werr != nil {
		return fmt.Errorf("writing results: %w", werr)
	}
	return ctx.Err()
}

// readLine reads one line without its newline. A line over limit bytes is
// consumed and reported as tooLong with no content.
func readLine(br *bufio.Reader, limit int) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > limit+1 {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if tooLong {
			return nil, true, err
		}
		return bytes.TrimRight(line, "\r\n"), false, err
	}
}

// analyzeLine turns one NDJSON line into one output line.
func analyzeLine(an *classifier.Analyzer, n int, line []byte, lineErr *classifier.Error) []byte {
	var in ndjsonLine
	fail := func(id string, e classifier.Error) []byte {
		b, _ := json.Marshal(lineError{ID: id, Line: n, Error: e})
		return append(b, '\n')
	}
	if lineErr != nil {
		return fail("", *lineErr)
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return fail(in.ID, classifier.Error{Code: "invalid_json", Field: "line", Message: jsonProblem(err)})
	}
	if dec.More() {
		return fail(in.ID, classifier.Error{Code: "invalid_json", Field: "line", Message: "more than one JSON value on the line"})
	}
	res, err := an.Analyze(classifier.Input{ID: in.ID, Text: in.Text, Lang: in.Lang})
	if err != nil {
		var ce *classifier.Error
		if errors.As(err, &ce) {
			return fail(in.ID, *ce)
		}
		return fail(in.ID, classifier.Error{Code: "internal", Field: "line", Message: "internal error"})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(res); err != nil {
		return fail(in.ID, classifier.Error{Code: "internal", Field: "line", Message: "internal error"})
	}
	return buf.Bytes()
}

// jsonProblem words a decoding error for a person, naming the field.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %q must be a %s", te.Field, te.Type)
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "json: unknown field ") {
		return "unknown field " + strings.TrimPrefix(msg, "json: unknown field ")
	}
	return "malformed JSON: " + strings.TrimPrefix(msg, "json: ")
}

package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// maxBatchRecord bounds one CSV record (16 MiB, room for several texts at
// the analyzer's 1 MiB limit). A quote that is never closed would otherwise
// read the rest of the file into one field.
const maxBatchRecord = 16 << 20

// batchReadBuffer is the input buffer; large reads keep system calls few.
const batchReadBuffer = 256 << 10

var errRecordTooLarge = errors.New("record too large")

// batchRecord is one record of the input, as read: CSV fields or an NDJSON
// line, with where it came from.
type batchRecord struct {
	// Row is the record's number, 1 for the first record after the header
	// (blank NDJSON lines are not records).
	Row int
	// Line and EndLine are the input lines the record starts and ends on
	// (1-based; a CSV record with quoted newlines spans several).
	Line, EndLine int
	// End is the input byte offset just after the record: where a resumed
	// run continues.
	End int64
	// Fields are a CSV record's fields.
	Fields []string
	// Raw is an NDJSON line without its line ending.
	Raw []byte
	// Problem is set when the record itself is broken (ragged, malformed);
	// such a record is reported and left out of the output.
	Problem *batchProblem
}

// batchInput reads records from a CSV or NDJSON stream, tracking byte
// offsets so that a run can be resumed where it stopped.
type batchInput struct {
	name     string // for messages: the path, or "standard input"
	format   string // csv or ndjson
	file     *os.File
	closer   io.Closer
	seekable bool
	startPos int64 // the file's position when batch began reading it
	size     int64 // bytes to read in a regular file; 0 when unknown
	guard    *guardReader
	br       *bufio.Reader

	// CSV
	comma    rune
	header   []string
	cr       *csv.Reader
	base     int64 // input offset where cr started reading
	lineBase int   // input lines before cr started reading

	row      int // records read
	line     int // lines read (NDJSON), or the last record's end line (CSV)
	deferred error
}

// openBatchInput opens --in, strips a UTF-8 byte order mark, settles the
// format and, for CSV, the delimiter, and reads the header.
func openBatchInput(env *environ, cfg batchConfig) (*batchInput, error) {
	in := &batchInput{name: cfg.In, format: cfg.Format}
	var src io.Reader
	if cfg.In == "-" {
		in.name = "standard input"
		src = env.stdin
		in.file = osFileOf(env.stdin)
	} else {
		f, err := os.Open(cfg.In)
		if err != nil {
			return nil, err
		}
		in.file, in.closer, src = f, f, f
	}
	if in.file != nil {
		if st, err := in.file.Stat(); err == nil && st.Mode().IsRegular() {
			if pos, err := in.file.Seek(0, io.SeekCurrent); err == nil && pos <= st.Size() {
				in.startPos, in.size, in.seekable = pos, st.Size()-pos, true
			}
		}
	}
	in.guard = &guardReader{r: src, limit: math.MaxInt64}
	in.br = bufio.NewReaderSize(in.guard, batchReadBuffer)
	if err := in.start(cfg); err != nil {
		in.Close()
		return nil, err
	}
	return in, nil
}

// start reads the beginning of the input: byte order mark, format, header.
func (in *batchInput) start(cfg batchConfig) error {
	head, err := in.br.Peek(3)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return fmt.Errorf("reading %s: %w", in.name, err)
	}
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		in.br.Discard(3)
	case bytes.HasPrefix(head, []byte("\xff\xfe")), bytes.HasPrefix(head, []byte("\xfe\xff")):
		return fmt.Errorf("%s is UTF-16; save it as UTF-8 (with or without a byte order mark)", in.name)
	}
	if in.format == "" {
		in.format = detectBatchFormat(cfg.In, in.br)
	}
	if in.format == "ndjson" {
		return nil
	}
	in.comma = cfg.Delimiter
	if in.comma == 0 {
		in.comma = detectDelimiter(peekUntil(in.br, 64<<10, headerEnds))
	}
	in.newCSV(in.offset(), 0)
	header, err := in.cr.Read()
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%s is empty: a CSV input needs a header row", in.name)
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d: the header row: %v", in.name, pe.Line, pe.Err)
	}
	if err != nil {
		return in.readError(err)
	}
	in.header = header
	l, _ := in.cr.FieldPos(len(header) - 1)
	in.line = l + strings.Count(header[len(header)-1], "\n")
	return nil
}

// detectBatchFormat picks ndjson for .ndjson/.jsonl/.json names, csv for
// .csv/.tsv/.txt, and otherwise looks at the first non-blank byte: '{' is
// NDJSON.
func detectBatchFormat(path string, br *bufio.Reader) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".ndjson", ".jsonl", ".json":
		return "ndjson"
	case ".csv", ".tsv", ".txt":
		return "csv"
	}
	peek := peekUntil(br, 4<<10, func(b []byte) bool { return len(bytes.TrimLeft(b, " \t\r\n")) > 0 })
	if t := bytes.TrimLeft(peek, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		return "ndjson"
	}
	return "csv"
}

// peekUntil returns the buffered start of the input, reading more only
// until enough(start) holds, limit bytes are buffered or the input ends. It
// never waits for more input than it needs, so a slow pipe is not a stall.
func peekUntil(br *bufio.Reader, limit int, enough func([]byte) bool) []byte {
	for n := 1; ; {
		_, err := br.Peek(n) // waits for the n-th byte only
		b, _ := br.Peek(min(br.Buffered(), limit))
		if err != nil || enough(b) || len(b) >= limit {
			return b
		}
		n = len(b) + 1
	}
}

// headerEnds reports whether b holds a whole first line (a newline outside
// quotes).
func headerEnds(b []byte) bool {
	quoted := false
	for _, c := range b {
		switch {
		case c == '"':
			quoted = !quoted
		case c == '\n' && !quoted:
			return true
		}
	}
	return false
}

// detectDelimiter counts the candidate delimiters outside quotes in the
// first line and returns the most frequent (comma on a tie or none).
func detectDelimiter(head []byte) rune {
	candidates := []rune{',', ';', '\t', '|'}
	counts := make([]int, len(candidates))
	quoted := false
scan:
	for _, c := range head {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n':
			break scan
		default:
			for i, d := range candidates {
				if rune(c) == d {
					counts[i]++
				}
			}
		}
	}
	best := 0
	for i := range candidates {
		if counts[i] > counts[best] {
			best = i
		}
	}
	return candidates[best]
}

// newCSV starts a CSV reader at input offset base, after lineBase lines.
func (in *batchInput) newCSV(base int64, lineBase int) {
	in.cr = csv.NewReader(in.br) // uses in.br itself: it is a large enough *bufio.Reader
	in.cr.Comma = in.comma
	in.cr.FieldsPerRecord = -1
	in.base, in.lineBase = base, lineBase
}

// offset is the input byte offset of the next unread byte.
func (in *batchInput) offset() int64 {
	return in.guard.n - int64(in.br.Buffered())
}

// next returns the next record, io.EOF at the end, or an error that ends
// the run (the input cannot be read any further).
func (in *batchInput) next() (batchRecord, error) {
	if in.format == "ndjson" {
		return in.nextNDJSON()
	}
	return in.nextCSV()
}

func (in *batchInput) nextCSV() (batchRecord, error) {
	in.guard.limit = in.offset() + maxBatchRecord + batchReadBuffer
	fields, err := in.cr.Read()
	if errors.Is(err, io.EOF) {
		return batchRecord{}, io.EOF
	}
	var pe *csv.ParseError
	if err != nil && !errors.As(err, &pe) {
		if errors.Is(err, errRecordTooLarge) {
			return batchRecord{}, fmt.Errorf("%s:%d: a record runs past %d MiB (a quote that is never closed?); the rest of the input cannot be read",
				in.name, in.line+1, maxBatchRecord>>20)
		}
		return batchRecord{}, in.readError(err)
	}
	in.row++
	rec := batchRecord{Row: in.row, End: in.base + in.cr.InputOffset(), Fields: fields}
	if pe != nil {
		rec.Line, rec.EndLine = in.lineBase+pe.StartLine, in.lineBase+pe.Line
		rec.Problem = &batchProblem{Code: "csv_syntax", Field: "row",
			Message: fmt.Sprintf("line %d, column %d: %v", rec.EndLine, pe.Column, pe.Err)}
	} else {
		first, _ := in.cr.FieldPos(0)
		last, _ := in.cr.FieldPos(len(fields) - 1)
		rec.Line = in.lineBase + first
		rec.EndLine = in.lineBase + last + strings.Count(fields[len(fields)-1], "\n")
	}
	in.line = rec.EndLine
	return rec, nil
}

func (in *batchInput) nextNDJSON() (batchRecord, error) {
	for {
		if in.deferred != nil {
			return batchRecord{}, in.readError(in.deferred)
		}
		raw, tooLong, err := readLine(in.br, maxNDJSONLine)
		if len(raw) == 0 && !tooLong && err != nil {
			if errors.Is(err, io.EOF) {
				return batchRecord{}, io.EOF
			}
			return batchRecord{}, in.readError(err)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			in.deferred = err // report it after this line
		}
		in.line++
		if !tooLong && len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		in.row++
		rec := batchRecord{Row: in.row, Line: in.line, EndLine: in.line, End: in.offset(), Raw: raw}
		if tooLong {
			rec.Problem = &batchProblem{Code: "line_too_long", Field: "row",
				Message: fmt.Sprintf("the line is longer than %d MiB", maxNDJSONLine>>20)}
		}
		return rec, nil
	}
}

// skipTo positions the input after row records, line lines and offset bytes
// (a checkpoint's position): by seeking in a regular file, else by reading
// and discarding. offset 0 means the start of the data.
func (in *batchInput) skipTo(row, line int, offset int64) error {
	cur := in.offset()
	if offset == 0 || offset == cur {
		in.row, in.line = max(in.row, row), max(in.line, line)
		return nil
	}
	if offset < cur || (in.seekable && offset > in.size) {
		return fmt.Errorf("%s does not match the checkpoint (offset %d; the input has %d bytes before its data and %d in all); is it the same file?",
			in.name, offset, cur, in.size)
	}
	if in.seekable {
		if _, err := in.file.Seek(in.startPos+offset, io.SeekStart); err != nil {
			return in.readError(err)
		}
		in.guard.n, in.guard.limit = offset, math.MaxInt64
		in.br.Reset(in.guard)
	} else {
		in.guard.limit = math.MaxInt64
		if n, err := in.br.Discard(int(offset - cur)); err != nil {
			if errors.Is(err, io.EOF) {
				return fmt.Errorf("%s ends %d bytes before the checkpoint's position; is it the same input?", in.name, offset-cur-int64(n))
			}
			return in.readError(err)
		}
	}
	in.row, in.line = row, line
	if in.format == "csv" {
		in.newCSV(offset, line)
	}
	return nil
}

func (in *batchInput) readError(err error) error {
	return fmt.Errorf("reading %s: %w", in.name, err)
}

// Close closes the input file, if batch opened one.
func (in *batchInput) Close() error {
	if in.closer == nil {
		return nil
	}
	return in.closer.Close()
}

// guardReader counts the bytes read through it and refuses to read past
// limit, so that one runaway record cannot take all the memory.
type guardReader struct {
	r     io.Reader
	n     int64
	limit int64
}

func (g *guardReader) Read(p []byte) (int, error) {
	if g.n >= g.limit {
		return 0, errRecordTooLarge
	}
	if rest := g.limit - g.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	return n, err
}

package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// textRecord is one text read from a corpus file, with where it came from.
type textRecord struct {
	ID   string
	Text string
	Pos  string // "file:line" for error messages
}

// readTexts walks paths (files or folders) and calls fn for every text:
// .txt files are one text each; .csv and .tsv files one text per row from
// textCol (header row required); .ndjson and .jsonl files one per line from
// the "text" field. idCol names the id column or field ("" for none).
func readTexts(paths []string, textCol, idCol string, fn func(textRecord) error) error {
	for _, root := range paths {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".txt":
				b, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				return fn(textRecord{ID: filepath.Base(path), Text: string(b), Pos: path})
			case ".csv", ".tsv":
				return readTable(path, textCol, idCol, fn)
			case ".ndjson", ".jsonl":
				return readJSONLines(path, idCol, fn)
			}
			if path == root {
				return fmt.Errorf("%s: unsupported file type (want .txt, .csv, .tsv, .ndjson or .jsonl)", path)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func readTable(path, textCol, idCol string, fn func(textRecord) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	if strings.EqualFold(filepath.Ext(path), ".tsv") {
		r.Comma = '\t'
		r.LazyQuotes = true
	}
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s:1: reading header: %w", path, err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	textIdx, idIdx := -1, -1
	for i, h := range header {
		if h == textCol {
			textIdx = i
		}
		if idCol != "" && h == idCol {
			idIdx = i
		}
	}
	if textIdx < 0 {
		return fmt.Errorf("%s:1: no column %q in header %q", path, textCol, strings.Join(header, ","))
	}
	if idCol != "" && idIdx < 0 {
		return fmt.Errorf("%s:1: no column %q in header", path, idCol)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			// FieldPos panics after a failed Read; the ParseError has the line.
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return fmt.Errorf("%s:%d: %v", path, pe.Line, pe.Err)
			}
			return fmt.Errorf("%s: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		if textIdx >= len(rec) {
			return fmt.Errorf("%s:%d: row has %d fields, no %q", path, line, len(rec), textCol)
		}
		tr := textRecord{Text: rec[textIdx], Pos: fmt.Sprintf("%s:%d", path, line)}
		if idIdx >= 0 && idIdx < len(rec) {
			tr.ID = rec[idIdx]
		}
		if err := fn(tr); err != nil {
			return err
		}
	}
}

func readJSONLines(path, idCol string, fn func(textRecord) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), maxNDJSONLine)
	n := 0
	for sc.Scan() {
		n++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var obj map[string]any
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.UseNumber() // an id 1000000 stays "1000000", not "1e+06"
		if err := dec.Decode(&obj); err != nil {
			return fmt.Errorf("%s:%d: %s", path, n, jsonProblem(err))
		}
		if _, err := dec.Token(); err != io.EOF {
			return fmt.Errorf("%s:%d: more than one JSON value on the line", path, n)
		}
		text, ok := obj["text"].(string)
		if !ok {
			return fmt.Errorf("%s:%d: no string field \"text\"", path, n)
		}
		tr := textRecord{Text: text, Pos: fmt.Sprintf("%s:%d", path, n)}
		if idCol != "" {
			switch id := obj[idCol].(type) {
			case string:
				tr.ID = id
			case json.Number:
				tr.ID = id.String()
			case nil: // absent or null: no id
			default:
				return fmt.Errorf("%s:%d: field %q must be a string or a number", path, n, idCol)
			}
		}
		if err := fn(tr); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("%s:%d: the line is longer than %d MiB", path, n+1, maxNDJSONLine>>20)
		}
		return fmt.Errorf("%s:%d: %w", path, n+1, err)
	}
	return nil
}

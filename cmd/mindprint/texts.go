package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
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
		line, _ := r.FieldPos(0)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", path, line, err)
		}
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
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var obj map[string]any
		if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
			return fmt.Errorf("%s:%d: %s", path, n, jsonProblem(err))
		}
		text, ok := obj["text"].(string)
		if !ok {
			return fmt.Errorf("%s:%d: no string field \"text\"", path, n)
		}
		tr := textRecord{Text: text, Pos: fmt.Sprintf("%s:%d", path, n)}
		if idCol != "" {
			tr.ID = fmt.Sprint(obj[idCol])
		}
		if err := fn(tr); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

package copylib

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Import limits.
const (
	// MaxImportLineBytes is the longest NDJSON line Import accepts.
	MaxImportLineBytes = 64 << 10
	// importChunk is how many lines go into one store transaction.
	importChunk = 500
)

// LineError is the failure of one NDJSON line; the import goes on without it.
type LineError struct {
	// Line is 1-based.
	Line int `json:"line"`
	// ID is the variant id when the line had one.
	ID string `json:"id,omitempty"`
	// Errors names each bad field (field "" for a line that is not JSON).
	Errors []FieldError `json:"errors"`
}

// ImportReport sums up an import.
type ImportReport struct {
	Created   int         `json:"created"`
	Updated   int         `json:"updated"`
	Unchanged int         `json:"unchanged"`
	Failed    int         `json:"failed"`
	Errors    []LineError `json:"errors"`
}

// Import reads NDJSON, one variant per line (the Variant JSON form; blank
// lines are skipped), and upserts each: a new id is created (keeping its
// created/updated/version when given, so an export restores as it was), an
// existing id is updated to version+1 when its content differs. A bad line is
// reported in the report with its line number and fields and the rest go on.
// Lines are committed in chunks; everything reported as created or updated is
// durable when Import returns. The error is for I/O or store failures only.
func (l *Library) Import(ctx context.Context, r io.Reader) (ImportReport, error) {
	rep := ImportReport{Errors: []LineError{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxImportLineBytes+1)
	type item struct {
		line int
		v    Variant
	}
	var chunk []item
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		// Count into a scratch report: a failed transaction commits
		// nothing, so it must not count anything either.
		var n ImportReport
		err := l.write(func(tx *bolt.Tx, changed map[string]*Variant) error {
			n = ImportReport{}
			for _, it := range chunk {
				v := it.v
				cur, err := getVariant(tx, v.ID)
				if err != nil {
					return err
				}
				switch {
				case cur == nil:
					t := l.stamp()
					if v.Created.IsZero() {
						v.Created = t
					}
					if v.Updated.IsZero() || v.Updated.Before(v.Created) {
						v.Updated = v.Created
					}
					if v.Version < 1 {
						v.Version = 1
					}
					n.Created++
				case cur.sameContent(&v):
					n.Unchanged++
					continue
				default:
					v.Created, v.Updated, v.Version = cur.Created, l.stamp(), cur.Version+1
					n.Updated++
				}
				if _, err := putVariant(tx, &v); err != nil {
					return err
				}
				stored := v.clone()
				changed[v.ID] = &stored
			}
			return nil
		})
		chunk = chunk[:0]
		if err != nil {
			return err
		}
		rep.Created += n.Created
		rep.Updated += n.Updated
		rep.Unchanged += n.Unchanged
		return nil
	}
	inChunk := map[string]bool{}
	line := 0
	for sc.Scan() {
		line++
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		v, lerr := parseImportLine(raw)
		if lerr != nil {
			lerr.Line = line
			rep.Failed++
			rep.Errors = append(rep.Errors, *lerr)
			continue
		}
		if inChunk[v.ID] { // the same id twice in one chunk: commit the first
			if err := flush(); err != nil {
				return rep, err
			}
			clear(inChunk)
		}
		inChunk[v.ID] = true
		chunk = append(chunk, item{line, v})
		if len(chunk) >= importChunk {
			if err := flush(); err != nil {
				return rep, err
			}
			clear(inChunk)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			err = fmt.Errorf("line %d is longer than %d bytes", line+1, MaxImportLineBytes)
		}
		if ferr := flush(); ferr != nil {
			return rep, ferr
		}
		return rep, fmt.Errorf("copy import: %w", err)
	}
	return rep, flush()
}

// parseImportLine decodes and validates one line. Unknown fields are errors,
// so a misspelt field never passes silently.
func parseImportLine(raw []byte) (Variant, *LineError) {
	var v Variant
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, &LineError{Errors: []FieldError{{Field: jsonErrorField(err), Message: "not a variant object: " + err.Error()}}}
	}
	if dec.More() {
		return v, &LineError{Errors: []FieldError{{Message: "more than one JSON value on the line"}}}
	}
	v.Normalize()
	if v.ID == "" {
		return v, &LineError{Errors: []FieldError{{Field: "id", Message: "required in an import line"}}}
	}
	if err := v.Validate(); err != nil {
		return v, &LineError{ID: v.ID, Errors: err.(*ValidationError).Errors}
	}
	if v.Version < 0 {
		return v, &LineError{ID: v.ID, Errors: []FieldError{{Field: "version", Message: "must not be negative"}}}
	}
	if v.Tags == nil {
		v.Tags = []string{}
	}
	v.Created, v.Updated = v.Created.UTC(), v.Updated.UTC()
	return v, nil
}

// jsonErrorField names the field a JSON decode error is about, if any.
func jsonErrorField(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field
	}
	if s := err.Error(); strings.HasPrefix(s, "json: unknown field ") {
		return strings.Trim(strings.TrimPrefix(s, "json: unknown field "), `"`)
	}
	return ""
}

// ExportFilter narrows Export; empty fields match everything.
type ExportFilter struct {
	Lang string
	// UpdatedSince keeps variants updated at or after it.
	UpdatedSince time.Time
}

// Export writes every variant matching f as NDJSON in id order and returns
// how many it wrote. The output imports back unchanged.
func (l *Library) Export(ctx context.Context, w io.Writer, f ExportFilter) (int, error) {
	if l.closed.Load() {
		return 0, ErrClosed
	}
	all := l.view.sorted() // a snapshot, without holding a store transaction
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	n := 0
	for _, v := range all {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		if f.Lang != "" && v.Lang != f.Lang || !f.UpdatedSince.IsZero() && v.Updated.Before(f.UpdatedSince) {
			continue
		}
		if err := enc.Encode(v); err != nil {
			return n, err
		}
		n++
	}
	return n, bw.Flush()
}

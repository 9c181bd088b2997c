package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mindprint/mindprint/classifier"
)

// ndjsonLines splits an NDJSON answer into decoded values.
func ndjsonLines(t testing.TB, body []byte) []any {
	t.Helper()
	var out []any
	for line := range bytes.Lines(body) {
		out = append(out, decodeAny(t, line))
	}
	if len(body) > 0 && body[len(body)-1] != '\n' {
		t.Errorf("answer does not end with a newline")
	}
	return out
}

// lineErr is what a BatchLineError decodes to, for comparisons.
func lineErr(id string, line int, typ string, status int, fields ...string) any {
	m := map[string]any{"line": float64(line), "error": map[string]any{"type": typ, "status": float64(status)}}
	if id != "" {
		m["id"] = id
	}
	if len(fields) > 0 {
		var errs []any
		for i := 0; i+1 < len(fields); i += 2 {
			errs = append(errs, map[string]any{"field": fields[i], "code": fields[i+1]})
		}
		m["error"].(map[string]any)["errors"] = errs
	}
	return m
}

// comparableLine drops the human-oriented parts of error lines (title,
// detail, field details) so tests compare what clients switch on.
func comparableLine(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	e, ok := m["error"].(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{"line": m["line"], "error": map[string]any{"type": e["type"], "status": e["status"]}}
	if id, ok := m["id"]; ok {
		out["id"] = id
	}
	if errs, ok := e["errors"].([]any); ok {
		var fe []any
		for _, x := range errs {
			xm := x.(map[string]any)
			fe = append(fe, map[string]any{"field": xm["field"], "code": xm["code"]})
		}
		out["error"].(map[string]any)["errors"] = fe
	}
	return out
}

func TestBatch(t *testing.T) {
	body := strings.Join([]string{
		jsonBody(t, map[string]string{"id": "a", "text": reviewEN}),
		jsonBody(t, map[string]string{"id": "b", "text": reviewFI, "lang": "fi"}),
		``,
		`{"id": "c", "text": "unterminated`,
		jsonBody(t, map[string]string{"id": "d", "text": "   "}),
		"\t  \r",
		jsonBody(t, map[string]string{"id": "e", "text": reviewPL, "source": "survey"}),
		`{"id": "f", "text": "ok text", "colour": "red"}`,
		`[1, 2, 3]`,
		jsonBody(t, map[string]string{"text": reviewLV}) + "\r",
		"{\"id\": \"g\", \"text\": \"caf\xe9\"}",
		jsonBody(t, map[string]string{"id": "h", "text": reviewEN, "source": "fax"}),
	}, "\n") + "\n"
	want := []any{
		libraryJSON(t, classifier.Input{ID: "a", Text: reviewEN}),
		libraryJSON(t, classifier.Input{ID: "b", Text: reviewFI, Lang: "fi"}),
		lineErr("", 4, TypeMalformed, 400),
		lineErr("d", 5, TypeValidation, 422, "text", classifier.CodeEmptyText),
		libraryJSON(t, classifier.Input{ID: "e", Text: reviewPL, Source: "survey"}),
		lineErr("f", 8, TypeValidation, 422, "colour", "unknown_field"),
		lineErr("", 9, TypeMalformed, 400),
		libraryJSON(t, classifier.Input{Text: reviewLV}),
		lineErr("", 11, TypeMalformed, 400),
		lineErr("h", 12, TypeValidation, 422, "source", "invalid_source"),
	}
	for _, workers := range []int{1, 3, 8} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			s := newTestServer(t, func(c *Config) { c.BatchWorkers = workers }, Deps{})
			a := do(t, s.App(), req{method: "POST", path: "/v1/analyze/batch", contentType: "application/x-ndjson", body: body})
			if a.status != 200 {
				t.Fatalf("status %d: %s", a.status, a.body)
			}
			if ct := a.header.Get("Content-Type"); ct != NDJSONContentType {
				t.Errorf("Content-Type %q", ct)
			}
			got := ndjsonLines(t, a.body)
			for i := range got {
				got[i] = comparableLine(got[i])
			}
			if diff := cmp.Diff(want, got, cmpFloat); diff != "" {
				t.Errorf("answer lines (-want +got):\n%s", diff)
			}
			logs := s.logs.String()
			if !strings.Contains(logs, `"lines":10`) || !strings.Contains(logs, `"lines_failed":6`) || !strings.Contains(logs, `"outcome":"complete"`) {
				t.Errorf("batch log line missing counts: %s", logs)
			}
		})
	}
}

// TestBatchOrderUnderLoad: many lines on many workers come back in input
// order, each with its own id.
func TestBatchOrderUnderLoad(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.BatchWorkers = 4 }, Deps{})
	texts := []string{reviewEN, reviewFI, reviewPL, reviewLV, "ok", strings.Repeat("Kasvu ", 2000)}
	var b strings.Builder
	const n = 600
	for i := range n {
		b.WriteString(jsonBody(t, map[string]string{"id": fmt.Sprintf("id-%d", i), "text": texts[i%len(texts)]}))
		b.WriteByte('\n')
	}
	a := do(t, s.App(), req{method: "POST", path: "/v1/analyze/batch", contentType: "application/jsonl", body: b.String()})
	if a.status != 200 {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	lines := bytes.Split(bytes.TrimSuffix(a.body, []byte("\n")), []byte("\n"))
	if len(lines) != n {
		t.Fatalf("%d answer lines, want %d", len(lines), n)
	}
	for i, l := range lines {
		var r struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(l, &r); err != nil || r.ID != fmt.Sprintf("id-%d", i) {
			t.Fatalf("line %d: id %q (%v): %s", i+1, r.ID, err, truncate(string(l), 120))
		}
	}
}

func TestBatchErrors(t *testing.T) {
	s := newTestServer(t, func(c *Config) {
		c.BatchMaxLines = 3
		c.BatchMaxBodyBytes = 8 << 20
	}, Deps{})
	line := jsonBody(t, map[string]string{"text": reviewEN}) + "\n"
	tests := []struct {
		name   string
		r      req
		status int
		typ    string
	}{
		{"too many lines", req{contentType: NDJSONContentType, body: strings.Repeat(line, 4)}, 413, TypeTooManyLines},
		{"blank lines do not count", req{contentType: NDJSONContentType, body: "\n\n" + strings.Repeat(line+"\n", 3)}, 200, ""},
		{"empty body", req{contentType: NDJSONContentType}, 422, TypeValidation},
		{"only blank lines", req{contentType: NDJSONContentType, body: "\n \n\t\n"}, 422, TypeValidation},
		{"JSON instead of NDJSON", req{contentType: "application/json", body: line}, 415, TypeUnsupportedMedia},
		{"text/plain", req{contentType: "text/plain", body: line}, 415, TypeUnsupportedMedia},
		{"compressed", req{contentType: NDJSONContentType, body: line, header: map[string]string{"Content-Encoding": "br"}}, 415, TypeUnsupportedMedia},
		{"ndjson alias", req{contentType: "application/ndjson; charset=utf-8", body: line}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.r
			r.method, r.path = "POST", "/v1/analyze/batch"
			a := do(t, s.App(), r)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, truncate(string(a.body), 300))
			}
			if tt.typ == "" {
				return
			}
			if p := a.problem(t); p.Type != tt.typ || p.Detail == "" {
				t.Errorf("problem %+v, want type %s", p, tt.typ)
			}
		})
	}
}

// TestBatchTimeout: a batch that outlives its timeout ends with a timeout
// line naming the first line not analysed, and stops there.
func TestBatchTimeout(t *testing.T) {
	s := newTestServer(t, func(c *Config) {
		c.BatchTimeout = 1
		c.BatchWorkers = 1
	}, Deps{})
	body := strings.Repeat(jsonBody(t, map[string]string{"text": strings.Repeat(reviewFI+" ", 50)})+"\n", 200)
	a := do(t, s.App(), req{method: "POST", path: "/v1/analyze/batch", contentType: NDJSONContentType, body: body})
	if a.status != 200 {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	lines := ndjsonLines(t, a.body)
	if len(lines) == 0 || len(lines) > 200 {
		t.Fatalf("%d lines", len(lines))
	}
	last := comparableLine(lines[len(lines)-1])
	if diff := cmp.Diff(lineErr("", len(lines), TypeTimeout, 503), last); diff != "" {
		t.Errorf("last line (-want +got):\n%s", diff)
	}
	if !strings.Contains(s.logs.String(), `"outcome":"timeout"`) {
		t.Error("no timeout outcome in the log")
	}
}

func TestSplitBatch(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		limit int
		want  []batchLine
		ok    bool
	}{
		{"empty", "", 5, nil, true},
		{"no final newline", "a\nb", 5, []batchLine{{1, []byte("a")}, {2, []byte("b")}}, true},
		{"CRLF and blanks", "a\r\n\r\n  \nb\r\n", 5, []batchLine{{1, []byte("a")}, {4, []byte("b")}}, true},
		{"at the limit", "a\nb\n", 2, []batchLine{{1, []byte("a")}, {2, []byte("b")}}, true},
		{"over the limit", "a\nb\nc\n", 2, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := splitBatch([]byte(tt.body), tt.limit)
			if ok != tt.ok {
				t.Fatalf("ok = %v", ok)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(batchLine{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

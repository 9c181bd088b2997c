package api

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mindprint/mindprint/classifier"
)

func TestAnalyzeOK(t *testing.T) {
	s := newTestServer(t, nil, Deps{})
	tests := []struct {
		name  string
		r     req
		input classifier.Input // what the library must have been asked
	}{
		{
			name:  "english JSON with id and source",
			r:     req{body: jsonBody(t, map[string]string{"id": "crm-1", "text": reviewEN, "source": "review"}), contentType: "application/json"},
			input: classifier.Input{ID: "crm-1", Text: reviewEN, Source: "review"},
		},
		{
			name:  "finnish with a language hint",
			r:     req{body: jsonBody(t, map[string]string{"text": reviewFI, "lang": "fi"}), contentType: "application/json; charset=utf-8"},
			input: classifier.Input{Text: reviewFI, Lang: "fi"},
		},
		{
			name:  "polish detected",
			r:     req{body: jsonBody(t, map[string]string{"id": "ż-ł-ę", "text": reviewPL}), contentType: "application/json"},
			input: classifier.Input{ID: "ż-ł-ę", Text: reviewPL},
		},
		{
			name:  "latvian",
			r:     req{body: jsonBody(t, map[string]string{"text": reviewLV}), contentType: "Application/JSON"},
			input: classifier.Input{Text: reviewLV},
		},
		{
			name:  "text/plain with query parameters",
			r:     req{path: "/v1/analyze?id=" + url.QueryEscape("q 1") + "&lang=en&source=chat", body: reviewEN, contentType: "text/plain; charset=UTF-8"},
			input: classifier.Input{ID: "q 1", Text: reviewEN, Lang: "en", Source: "chat"},
		},
		{
			name:  "NUL bytes and HTML characters are ordinary text",
			r:     req{body: "a\x00b <b>curious</b> & \"quoted\" \u2019 İstanbul 🙂", contentType: "text/plain"},
			input: classifier.Input{Text: "a\x00b <b>curious</b> & \"quoted\" \u2019 İstanbul 🙂"},
		},
		{
			name:  "escaped JSON text",
			r:     req{body: `{"text":"line one\nline \u00e4\u00f6 two \ud83d\ude00"}`, contentType: "application/json"},
			input: classifier.Input{Text: "line one\nline äö two 😀"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.r
			r.method = "POST"
			if r.path == "" {
				r.path = "/v1/analyze"
			}
			a := do(t, s.App(), r)
			if a.status != 200 {
				t.Fatalf("status %d: %s", a.status, a.body)
			}
			if ct := a.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if diff := cmp.Diff(libraryJSON(t, tt.input), decodeAny(t, a.body), cmpFloat); diff != "" {
				t.Errorf("answer differs from the library's result (-library +api):\n%s", diff)
			}
			if a.header.Get(HeaderRequestID) == "" {
				t.Error("no X-Request-ID")
			}
		})
	}
}

// TestAnalyzeOffsets checks that evidence offsets index the text as sent,
// through JSON escaping, for multi-byte letters.
func TestAnalyzeOffsets(t *testing.T) {
	s := newTestServer(t, nil, Deps{})
	for _, text := range []string{reviewEN, reviewFI, reviewPL, reviewLV} {
		a := do(t, s.App(), req{method: "POST", path: "/v1/analyze", contentType: "application/json", body: jsonBody(t, map[string]string{"text": text})})
		if a.status != 200 {
			t.Fatalf("status %d: %s", a.status, a.body)
		}
		var res classifier.Result
		decodeInto(t, a.body, &res)
		for _, tr := range classifier.AllTraits {
			for _, ev := range res.Traits.Get(tr).Evidence {
				if got := text[ev.Start:ev.End]; got != ev.Text {
					t.Errorf("%s evidence %+v: text[%d:%d] = %q", tr, ev, ev.Start, ev.End, got)
				}
			}
		}
		for _, ev := range res.Mindset.Evidence {
			if got := text[ev.Start:ev.End]; got != ev.Text {
				t.Errorf("mindset evidence %+v: text[%d:%d] = %q", ev, ev.Start, ev.End, got)
			}
		}
	}
}

func TestAnalyzeErrors(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.MaxBodyBytes = 2 << 20 }, Deps{})
	bigText := strings.Repeat("a", DefaultConfig().MaxTextBytes+1)
	type want struct {
		status int
		typ    string
		errors []FieldError // compared on Field and Code
	}
	v := func(fields ...string) []FieldError {
		var out []FieldError
		for i := 0; i+1 < len(fields); i += 2 {
			out = append(out, FieldError{Field: fields[i], Code: fields[i+1]})
		}
		return out
	}
	tests := []struct {
		name string
		r    req
		want want
	}{
		{"malformed JSON", req{contentType: "application/json", body: `{"text": "abc"`}, want{400, TypeMalformed, nil}},
		{"JSON syntax error", req{contentType: "application/json", body: `{"text" "abc"}`}, want{400, TypeMalformed, nil}},
		{"empty JSON body", req{contentType: "application/json"}, want{400, TypeMalformed, nil}},
		{"JSON array", req{contentType: "application/json", body: `["text"]`}, want{400, TypeMalformed, nil}},
		{"JSON null", req{contentType: "application/json", body: `null`}, want{400, TypeMalformed, nil}},
		{"two JSON values", req{contentType: "application/json", body: `{"text":"a b c"} {"text":"d"}`}, want{400, TypeMalformed, nil}},
		{"deeply nested JSON", req{contentType: "application/json", body: `{"text":` + strings.Repeat("[", 200000) + strings.Repeat("]", 200000) + `}`}, want{400, TypeMalformed, nil}},
		{"invalid UTF-8 in JSON", req{contentType: "application/json", body: "{\"text\":\"ab\xff\xfe\"}"}, want{400, TypeMalformed, nil}},
		{"raw NUL inside a JSON string", req{contentType: "application/json", body: "{\"text\":\"a\x00b\"}"}, want{400, TypeMalformed, nil}},
		{"empty text", req{contentType: "application/json", body: `{"text":""}`}, want{422, TypeValidation, v("text", classifier.CodeEmptyText)}},
		{"blank text", req{contentType: "application/json", body: `{"text":" \n\t\u00a0"}`}, want{422, TypeValidation, v("text", classifier.CodeEmptyText)}},
		{"missing text", req{contentType: "application/json", body: `{"id":"x"}`}, want{422, TypeValidation, v("text", "required")}},
		{"null text", req{contentType: "application/json", body: `{"text":null}`}, want{422, TypeValidation, v("text", "required")}},
		{"text of the wrong type", req{contentType: "application/json", body: `{"text":{"a":[1,2]}}`}, want{422, TypeValidation, v("text", "wrong_type")}},
		{"id of the wrong type", req{contentType: "application/json", body: `{"id":5,"text":"hello there"}`}, want{422, TypeValidation, v("id", "wrong_type")}},
		{"unknown field", req{contentType: "application/json", body: `{"txet":"hello","text":"hello there"}`}, want{422, TypeValidation, v("txet", "unknown_field")}},
		{"wrong-typed text after a wrong-typed id", req{contentType: "application/json", body: `{"id":5,"text":7}`}, want{422, TypeValidation, v("id", "wrong_type", "text", "wrong_type")}},
		{"every bad member named", req{contentType: "application/json", body: `{"zz":1,"lang":2,"text":["a"]}`}, want{422, TypeValidation, v("zz", "unknown_field", "lang", "wrong_type", "text", "wrong_type")}},
		{"unknown field and no text", req{contentType: "application/json", body: `{"txet":"hello"}`}, want{422, TypeValidation, v("txet", "unknown_field", "text", "required")}},
		{"bad source", req{contentType: "application/json", body: `{"text":"hello there","source":"email"}`}, want{422, TypeValidation, v("source", "invalid_source")}},
		{"id too long", req{contentType: "application/json", body: jsonBody(t, map[string]string{"text": "hello there", "id": strings.Repeat("x", MaxIDBytes+1)})}, want{422, TypeValidation, v("id", "too_long")}},
		{"unknown language", req{contentType: "application/json", body: `{"text":"hello there","lang":"xx"}`}, want{422, TypeValidation, v("lang", classifier.CodeInvalidLanguage)}},
		{"several bad fields", req{contentType: "application/json", body: `{"text":"","source":"fax"}`}, want{422, TypeValidation, v("source", "invalid_source", "text", classifier.CodeEmptyText)}},
		{"text too long", req{contentType: "application/json", body: jsonBody(t, map[string]string{"text": bigText})}, want{422, TypeValidation, v("text", classifier.CodeTextTooLong)}},
		{"empty text/plain", req{contentType: "text/plain"}, want{422, TypeValidation, v("text", classifier.CodeEmptyText)}},
		{"invalid UTF-8 text/plain", req{contentType: "text/plain", body: "caf\xe9 au lait"}, want{422, TypeValidation, v("text", classifier.CodeInvalidUTF8)}},
		{"bad source in the query", req{path: "/v1/analyze?source=x", contentType: "text/plain", body: "hello there"}, want{422, TypeValidation, v("source", "invalid_source")}},
		{"body too large", req{contentType: "text/plain", body: strings.Repeat("a", 10<<20)}, want{413, TypeTooLarge, nil}},
		{"JSON body too large", req{contentType: "application/json", body: `{"text":"` + strings.Repeat("é", 2<<20) + `"}`}, want{413, TypeTooLarge, nil}},
		{"form content type", req{contentType: "application/x-www-form-urlencoded", body: "text=hello"}, want{415, TypeUnsupportedMedia, nil}},
		{"no content type", req{body: `{"text":"hello"}`}, want{415, TypeUnsupportedMedia, nil}},
		{"latin-1 charset", req{contentType: "text/plain; charset=iso-8859-1", body: "hello"}, want{415, TypeUnsupportedMedia, nil}},
		{"gzip encoding", req{contentType: "application/json", body: "\x1f\x8b\x08\x00", header: map[string]string{"Content-Encoding": "gzip"}}, want{415, TypeUnsupportedMedia, nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.r
			r.method = "POST"
			if r.path == "" {
				r.path = "/v1/analyze"
			}
			a := do(t, s.App(), r)
			if a.status != tt.want.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.want.status, truncate(string(a.body), 300))
			}
			p := a.problem(t)
			if p.Type != tt.want.typ || p.Status != tt.want.status || p.Title == "" || p.Detail == "" {
				t.Errorf("problem %+v, want type %s status %d with title and detail", p, tt.want.typ, tt.want.status)
			}
			if p.Instance == "" || p.Instance != a.header.Get(HeaderRequestID) {
				t.Errorf("instance %q, X-Request-ID %q", p.Instance, a.header.Get(HeaderRequestID))
			}
			got := make([]FieldError, len(p.Errors))
			for i, e := range p.Errors {
				got[i] = FieldError{Field: e.Field, Code: e.Code}
				if e.Detail == "" {
					t.Errorf("field error %+v has no detail", e)
				}
			}
			if diff := cmp.Diff(tt.want.errors, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
	if n := s.panicCount(); n != 0 {
		t.Errorf("%g panics recovered", n)
	}
}

// TestAnalyzeTimeout: work that outlives the request timeout is answered
// 503 with Retry-After, not left hanging.
func TestAnalyzeTimeout(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.RequestTimeout = time.Nanosecond }, Deps{})
	a := do(t, s.App(), req{method: "POST", path: "/v1/analyze", contentType: "text/plain", body: strings.Repeat(reviewFI+" ", 2000)})
	if a.status != 503 {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	if p := a.problem(t); p.Type != TypeTimeout {
		t.Errorf("type %s", p.Type)
	}
	if a.header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
}

// TestAnalyzeRecommendations: the copy library's hook adds its value to the
// answer, and its failure leaves the analysis intact.
func TestAnalyzeRecommendations(t *testing.T) {
	var gotLang string
	ok := newTestServer(t, nil, Deps{Recommend: func(_ context.Context, in classifier.Input, res *classifier.Result) (any, error) {
		gotLang = res.Language.Code
		return []map[string]any{{"variant": map[string]string{"id": "v1"}, "fit": 0.5}}, nil
	}})
	a := do(t, ok.App(), req{method: "POST", path: "/v1/analyze", contentType: "application/json", body: jsonBody(t, map[string]string{"text": reviewEN, "lang": "en"})})
	if a.status != 200 {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	got := decodeAny(t, a.body).(map[string]any)
	want := []any{map[string]any{"variant": map[string]any{"id": "v1"}, "fit": 0.5}}
	if diff := cmp.Diff(want, got["recommendations"]); diff != "" {
		t.Errorf("recommendations (-want +got):\n%s", diff)
	}
	if gotLang != "en" {
		t.Errorf("hook saw language %q", gotLang)
	}

	failing := newTestServer(t, nil, Deps{Recommend: func(context.Context, classifier.Input, *classifier.Result) (any, error) {
		return nil, errors.New("copy store unavailable")
	}})
	a = do(t, failing.App(), req{method: "POST", path: "/v1/analyze", contentType: "application/json", body: jsonBody(t, map[string]string{"text": reviewEN})})
	if a.status != 200 {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	if _, has := decodeAny(t, a.body).(map[string]any)["recommendations"]; has {
		t.Error("recommendations present although the hook failed")
	}
	if !strings.Contains(failing.logs.String(), "copy store unavailable") {
		t.Error("the hook's failure was not logged")
	}
}

func TestMediaType(t *testing.T) {
	tests := []struct {
		in     string
		mt     string
		utf8OK bool
	}{
		{"application/json", "application/json", true},
		{"Application/JSON ; charset=UTF-8", "application/json", true},
		{`text/plain; charset="utf-8"`, "text/plain", true},
		{"text/plain; charset=utf8; format=flowed", "text/plain", true},
		{"text/plain; charset=windows-1257", "text/plain", false},
		{"", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			mt, ok := mediaType(tt.in)
			if mt != tt.mt || ok != tt.utf8OK {
				t.Errorf("mediaType(%q) = %q, %v; want %q, %v", tt.in, mt, ok, tt.mt, tt.utf8OK)
			}
		})
	}
}

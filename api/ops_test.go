package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/google/go-cmp/cmp"

	"github.com/mindprint/mindprint/classifier"
)

func TestRouting(t *testing.T) {
	s := newTestServer(t, nil, Deps{})
	tests := []struct {
		name   string
		r      req
		status int
		typ    string
		allow  string
	}{
		{"unknown route", req{method: "GET", path: "/v2/analyze"}, 404, TypeNotFound, ""},
		{"unknown route with a body", req{method: "POST", path: "/nope", contentType: "application/json", body: `{"text":"x"}`}, 404, TypeNotFound, ""},
		{"routes are case-sensitive", req{method: "GET", path: "/LIVEZ"}, 404, TypeNotFound, ""},
		{"GET on a POST route", req{method: "GET", path: "/v1/analyze"}, 405, TypeMethodNotAllowed, "POST"},
		{"DELETE on a GET route", req{method: "DELETE", path: "/v1/languages"}, 405, TypeMethodNotAllowed, "GET, HEAD"},
		{"PUT on batch", req{method: "PUT", path: "/v1/analyze/batch", contentType: NDJSONContentType, body: "{}"}, 405, TypeMethodNotAllowed, "POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, s.App(), tt.r)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, a.body)
			}
			if p := a.problem(t); p.Type != tt.typ || p.Instance == "" {
				t.Errorf("problem %+v", p)
			}
			if tt.allow != "" && a.header.Get("Allow") != tt.allow {
				t.Errorf("Allow %q, want %q", a.header.Get("Allow"), tt.allow)
			}
		})
	}
	logs := s.logs.String()
	if !strings.Contains(logs, `"route":"unmatched","status":404`) {
		t.Errorf("404s are not logged as unmatched: %s", logs)
	}
	if !strings.Contains(logs, `"method":"GET","route":"/v1/analyze","status":405`) {
		t.Errorf("a 405 on a known path is not logged under its route: %s", logs)
	}
	if strings.Contains(logs, "/v2/analyze") || strings.Contains(logs, "/nope") {
		t.Errorf("raw paths reached the log: %s", logs)
	}
}

func TestHealth(t *testing.T) {
	s := newTestServer(t, nil, Deps{})
	loading, err := New(DefaultConfig(), Deps{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		s          *Server
		r          req
		status     int
		body       string // exact JSON for 200s
		retryAfter bool
	}{
		{"livez while loading", loading, req{method: "GET", path: "/livez"}, 200, `{"status":"ok"}`, false},
		{"readyz while loading", loading, req{method: "GET", path: "/readyz"}, 503, "", true},
		{"analyze while loading", loading, req{method: "POST", path: "/v1/analyze", contentType: "text/plain", body: "hello"}, 503, "", true},
		{"batch while loading", loading, req{method: "POST", path: "/v1/analyze/batch", contentType: NDJSONContentType, body: `{"text":"a"}`}, 503, "", true},
		{"languages while loading", loading, req{method: "GET", path: "/v1/languages"}, 503, "", true},
		{"openapi while loading", loading, req{method: "GET", path: "/openapi.json"}, 200, "", false},
		{"livez ready", s.Server, req{method: "GET", path: "/livez"}, 200, `{"status":"ok"}`, false},
		{"readyz ready", s.Server, req{method: "GET", path: "/readyz"}, 200,
			fmt.Sprintf(`{"status":"ready","lexicon_version":%q}`, testAnalyzer(t).Lexicons().Version()), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, tt.s.App(), tt.r)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, a.body)
			}
			if tt.status == 503 {
				if p := a.problem(t); p.Type != TypeNotReady {
					t.Errorf("type %s", p.Type)
				}
			}
			if tt.body != "" && strings.TrimSpace(string(a.body)) != tt.body {
				t.Errorf("body %s, want %s", a.body, tt.body)
			}
			if got := a.header.Get("Retry-After") != ""; got != tt.retryAfter {
				t.Errorf("Retry-After present = %v", got)
			}
		})
	}
	loading.SetAnalyzer(testAnalyzer(t))
	if a := do(t, loading.App(), req{method: "GET", path: "/readyz"}); a.status != 200 {
		t.Errorf("after SetAnalyzer: /readyz %d", a.status)
	}
}

func TestLanguagesAndLexicons(t *testing.T) {
	s := newTestServer(t, nil, Deps{})
	an := testAnalyzer(t)

	a := do(t, s.App(), req{method: "GET", path: "/v1/languages"})
	if a.status != 200 {
		t.Fatalf("languages: %d %s", a.status, a.body)
	}
	var langs LanguagesResponse
	decodeInto(t, a.body, &langs)
	var codes []string
	for _, l := range langs.Languages {
		codes = append(codes, l.Code)
		if l.Name == "" {
			t.Errorf("%s has no name", l.Code)
		}
	}
	var wantCodes []string
	for _, l := range an.Languages() {
		wantCodes = append(wantCodes, l.Code)
	}
	if diff := cmp.Diff(wantCodes, codes); diff != "" {
		t.Errorf("codes (-library +api):\n%s", diff)
	}
	if langs.LexiconVersion != an.Lexicons().Version() {
		t.Errorf("lexicon_version %q", langs.LexiconVersion)
	}
	for _, l := range langs.Languages {
		if l.Code == "fi" && (l.Name != "Finnish" || l.NativeName != "suomi") {
			t.Errorf("fi named %q / %q", l.Name, l.NativeName)
		}
	}

	a = do(t, s.App(), req{method: "GET", path: "/v1/lexicons"})
	if a.status != 200 {
		t.Fatalf("lexicons: %d %s", a.status, a.body)
	}
	var lex LexiconsResponse
	decodeInto(t, a.body, &lex)
	if lex.Version != an.Lexicons().Version() {
		t.Errorf("version %q", lex.Version)
	}
	var gotLangs []string
	for _, l := range lex.Lexicons {
		gotLangs = append(gotLangs, l.Lang)
		total := 0
		for cat, poles := range an.Lexicons().Lexicon(l.Lang).Counts() {
			for pole, n := range poles {
				total += n
				if l.Counts[string(cat)][string(pole)] != n {
					t.Errorf("%s %s:%s = %d, want %d", l.Lang, cat, pole, l.Counts[string(cat)][string(pole)], n)
				}
			}
		}
		if l.Entries != total || len(l.Files) == 0 {
			t.Errorf("%s: %d entries (want %d), %d files", l.Lang, l.Entries, total, len(l.Files))
		}
	}
	if diff := cmp.Diff(an.Lexicons().Languages(), gotLangs, cmpEmpty); diff != "" {
		t.Errorf("lexicon languages (-library +api):\n%s", diff)
	}
}

func TestRequestIDAndLogs(t *testing.T) {
	s := newTestServer(t, nil, Deps{})
	const secret = "Zyzzogeton-marker-4711"
	text := reviewEN + " " + secret
	a := do(t, s.App(), req{method: "POST", path: "/v1/analyze?id=" + secret, contentType: "text/plain", body: text,
		header: map[string]string{HeaderRequestID: "client-chosen.id_1"}})
	if a.status != 200 {
		t.Fatalf("status %d", a.status)
	}
	if got := a.header.Get(HeaderRequestID); got != "client-chosen.id_1" {
		t.Errorf("X-Request-ID %q, want the client's", got)
	}
	// An id with unsafe characters is replaced, not echoed.
	a = do(t, s.App(), req{method: "POST", path: "/v1/analyze", contentType: "text/plain", body: "",
		header: map[string]string{HeaderRequestID: "bad id\" with quotes"}})
	if got := a.header.Get(HeaderRequestID); got == "" || strings.ContainsAny(got, " \"") {
		t.Errorf("unsafe request id echoed: %q", got)
	}
	if p := a.problem(t); p.Instance != a.header.Get(HeaderRequestID) {
		t.Errorf("instance %q", p.Instance)
	}
	batch := jsonBody(t, map[string]string{"id": secret, "text": text}) + "\n" + `{"text": "` + secret + `"` + "\n"
	if a := do(t, s.App(), req{method: "POST", path: "/v1/analyze/batch", contentType: NDJSONContentType, body: batch}); a.status != 200 {
		t.Fatalf("batch status %d", a.status)
	}
	logs := s.logs.String()
	if strings.Contains(logs, secret) || strings.Contains(logs, "signed up for the beta") {
		t.Fatalf("customer text reached the log:\n%s", logs)
	}
	var n int
	for line := range strings.Lines(logs) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if rec["msg"] != "request" {
			continue
		}
		n++
		for _, k := range []string{"request_id", "method", "route", "status", "duration_ms", "bytes_in", "bytes_out"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("log line lacks %s: %s", k, line)
			}
		}
	}
	if n != 3 {
		t.Errorf("%d request log lines, want 3 (one per request):\n%s", n, logs)
	}
	if !strings.Contains(logs, `"request_id":"client-chosen.id_1"`) {
		t.Error("the client's request id is not in the log")
	}
}

// TestPanicRecovery: a handler panic is answered 500 internal error with
// the request id, logged with its stack, and counted; the server lives on.
func TestPanicRecovery(t *testing.T) {
	boom := Route{Method: "GET", Path: "/v1/test-panic", Scope: ScopeAny,
		Handler: func(fiber.Ctx) error { panic("kaboom") },
		Op:      Operation{OperationID: "testPanic", Summary: "panics", Responses: map[string]Response{}}}
	fail := Route{Method: "GET", Path: "/v1/test-error", Scope: ScopeAny,
		Handler: func(fiber.Ctx) error { return errors.New("disk on fire") },
		Op:      Operation{OperationID: "testError", Summary: "fails", Responses: map[string]Response{}}}
	s := newTestServer(t, nil, Deps{Routes: []Route{boom, fail}})
	for _, path := range []string{"/v1/test-panic", "/v1/test-error"} {
		a := do(t, s.App(), req{method: "GET", path: path})
		if a.status != 500 {
			t.Fatalf("%s: status %d", path, a.status)
		}
		p := a.problem(t)
		if p.Type != TypeInternal || p.Instance != a.header.Get(HeaderRequestID) || strings.Contains(string(a.body), "kaboom") || strings.Contains(string(a.body), "fire") {
			t.Errorf("%s: problem %s", path, a.body)
		}
	}
	if n := s.panicCount(); n != 1 {
		t.Errorf("panics counted: %g", n)
	}
	logs := s.logs.String()
	if !strings.Contains(logs, `"panic":"kaboom"`) || !strings.Contains(logs, `"stack":`) || !strings.Contains(logs, "disk on fire") {
		t.Errorf("panic or error not logged: %s", logs)
	}
	if a := do(t, s.App(), req{method: "GET", path: "/livez"}); a.status != 200 {
		t.Errorf("after a panic /livez = %d", a.status)
	}
}

func TestUnknownMethod(t *testing.T) {
	s := newTestServer(t, nil, Deps{})
	a := do(t, s.App(), req{method: "BREW", path: "/v1/analyze"})
	if a.status != 405 {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	if p := a.problem(t); p.Type != TypeMethodNotAllowed {
		t.Errorf("type %s", p.Type)
	}
}

func TestMetrics(t *testing.T) {
	s := newTestServer(t, nil, Deps{})
	do(t, s.App(), req{method: "POST", path: "/v1/analyze", contentType: "application/json", body: jsonBody(t, map[string]string{"text": reviewFI, "lang": "fi"})})
	do(t, s.App(), req{method: "POST", path: "/v1/analyze", contentType: "application/json", body: `{"text":""}`})
	do(t, s.App(), req{method: "POST", path: "/v1/analyze/batch", contentType: NDJSONContentType, body: `{"text":"` + reviewEN + `"}` + "\n{bad\n"})
	do(t, s.App(), req{method: "GET", path: "/nowhere"})
	a := do(t, s.App(), req{method: "GET", path: "/metrics"})
	if a.status != 200 {
		t.Fatalf("status %d", a.status)
	}
	text := string(a.body)
	for _, want := range []string{
		`mindprint_http_requests_total{method="POST",route="/v1/analyze",status="200"} 1`,
		`mindprint_http_requests_total{method="POST",route="/v1/analyze",status="422"} 1`,
		`mindprint_http_requests_total{method="POST",route="/v1/analyze/batch",status="200"} 1`,
		`mindprint_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`mindprint_http_request_duration_seconds_bucket{method="POST",route="/v1/analyze",status="200",le="+Inf"} 1`,
		`mindprint_analyses_total{language="fi"} 1`,
		`mindprint_batch_lines_total{result="ok"} 1`,
		`mindprint_batch_lines_total{result="error"} 1`,
		`mindprint_batches_total{outcome="complete"} 1`,
		`mindprint_ready 1`,
		`mindprint_panics_total 0`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestOpenAPICoversRoutes walks the app's routes and the document's paths
// both ways, and checks every $ref resolves.
func TestOpenAPICoversRoutes(t *testing.T) {
	extra := Route{Method: "GET", Path: "/v1/copy/{id}", Scope: ScopeCopyRead,
		Handler: func(c fiber.Ctx) error { return c.SendString(c.Params("id")) },
		Op: Operation{OperationID: "getCopy", Summary: "one variant", Parameters: []Parameter{{Name: "id", In: "path", Required: true, Schema: Schema{"type": "string"}}},
			Responses: map[string]Response{"200": {Description: "ok", Content: JSONContent(Ref("CopyVariant"))}}}}
	s := newTestServer(t, nil, Deps{Routes: []Route{extra}})
	if err := s.AddSchemas(map[string]Schema{"CopyVariant": {"type": "object"}}); err != nil {
		t.Fatal(err)
	}
	a := do(t, s.App(), req{method: "GET", path: "/openapi.json"})
	if a.status != 200 {
		t.Fatalf("status %d", a.status)
	}
	var doc struct {
		OpenAPI    string                               `json:"openapi"`
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	decodeInto(t, a.body, &doc)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	inApp := map[string]bool{}
	for _, r := range s.App().GetRoutes(true) {
		if r.Method == "HEAD" {
			continue
		}
		p := r.Path
		for _, name := range r.Params {
			p = strings.Replace(p, ":"+name, "{"+name+"}", 1)
		}
		key := strings.ToLower(r.Method) + " " + p
		inApp[key] = true
		if _, ok := doc.Paths[p][strings.ToLower(r.Method)]; !ok {
			t.Errorf("route %s is not in /openapi.json", key)
		}
	}
	var inDoc []string
	for p, ops := range doc.Paths {
		for m, op := range ops {
			inDoc = append(inDoc, m+" "+p)
			if !inApp[m+" "+p] {
				t.Errorf("/openapi.json documents %s %s, which is not a route", m, p)
			}
			if op["operationId"] == "" || op["responses"] == nil || op["security"] == nil {
				t.Errorf("%s %s: incomplete operation", m, p)
			}
		}
	}
	sort.Strings(inDoc)
	for _, want := range []string{"post /v1/analyze", "post /v1/analyze/batch", "get /v1/languages", "get /v1/lexicons",
		"get /livez", "get /readyz", "get /metrics", "get /openapi.json", "get /v1/copy/{id}"} {
		if !inApp[want] {
			t.Errorf("%s is not a route", want)
		}
	}
	var refs []string
	collectRefs(decodeAny(t, a.body), &refs)
	for _, r := range refs {
		name := strings.TrimPrefix(r, "#/components/schemas/")
		if _, ok := doc.Components.Schemas[name]; !ok {
			t.Errorf("unresolved $ref %s", r)
		}
	}
	if len(refs) == 0 {
		t.Error("no $refs at all")
	}
}

func collectRefs(v any, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "$ref" {
				*out = append(*out, s)
			}
			collectRefs(e, out)
		}
	case []any:
		for _, e := range x {
			collectRefs(e, out)
		}
	}
}

// TestOpenAPIMatchesResult keeps the documented AnalysisResult honest: every
// key of a real answer is documented, and every required key is present.
func TestOpenAPIMatchesResult(t *testing.T) {
	s := newTestServer(t, nil, Deps{})
	doc, err := s.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Components struct {
			Schemas map[string]struct {
				Required   []string       `json:"required"`
				Properties map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	decodeInto(t, doc, &d)
	res, err := testAnalyzer(t).Analyze(classifier.Input{ID: "x", Text: reviewEN})
	if err != nil {
		t.Fatal(err)
	}
	got := roundTrip(t, res).(map[string]any)
	check := func(schema string, obj map[string]any) {
		sc := d.Components.Schemas[schema]
		for k := range obj {
			if _, ok := sc.Properties[k]; !ok {
				t.Errorf("%s: answer key %q is not documented", schema, k)
			}
		}
		for _, k := range sc.Required {
			if _, ok := obj[k]; !ok {
				t.Errorf("%s: required key %q is missing from the answer", schema, k)
			}
		}
	}
	check("AnalysisResult", got)
	check("Language", got["language"].(map[string]any))
	check("MindsetScore", got["mindset"].(map[string]any))
	for _, tr := range classifier.AllTraits {
		ts := got["traits"].(map[string]any)[string(tr)].(map[string]any)
		check("TraitScore", ts)
		for _, ev := range ts["evidence"].([]any) {
			check("Evidence", ev.(map[string]any))
		}
	}
}

func TestNewRefusesOpenNonLoopback(t *testing.T) {
	keys, err := NewKeyring(Key{Name: "k", Hash: [32]byte{1}, Scopes: []Scope{ScopeAnalyze}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		addr     string
		insecure bool
		keys     *Keyring
		ok       bool
	}{
		{"loopback v4 open", "127.0.0.1:8080", false, nil, true},
		{"loopback v6 open", "[::1]:8080", false, nil, true},
		{"localhost open", "localhost:0", false, nil, true},
		{"all interfaces open", "0.0.0.0:8080", false, nil, false},
		{"empty host open", ":8080", false, nil, false},
		{"public address open", "192.0.2.7:8080", false, nil, false},
		{"all interfaces insecure", "0.0.0.0:8080", true, nil, true},
		{"all interfaces with keys", "0.0.0.0:8080", false, keys, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Addr, cfg.Insecure = tt.addr, tt.insecure
			_, err := New(cfg, Deps{Keys: tt.keys})
			if (err == nil) != tt.ok {
				t.Fatalf("New: %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "--insecure") {
				t.Errorf("error does not say how to proceed: %v", err)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("DefaultConfig: %v", err)
	}
	cfg := DefaultConfig()
	cfg.Addr = "nohost"
	cfg.MaxBodyBytes = 0
	cfg.RatePerSecond = -1
	cfg.RequestTimeout = 0
	err := cfg.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{`addr "nohost"`, "max body 0", "rate -1", "timeout 0s"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

// waitFor polls cond for up to d.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

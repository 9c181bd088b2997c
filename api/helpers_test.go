package api

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/google/go-cmp/cmp/cmpopts"
	dto "github.com/prometheus/client_model/go"

	"github.com/mindprint/mindprint/classifier"
)

// cmpEmpty treats nil and empty slices and maps as equal.
var cmpEmpty = cmpopts.EquateEmpty()

// cmpFloat compares floats to 1e-9: the language detector sums
// probabilities in map order, so its confidence may differ in the last bit
// between two runs on one text.
var cmpFloat = cmpopts.EquateApprox(0, 1e-9)

// sharedAnalyzer is built once per test binary: it loads language models.
var sharedAnalyzer = sync.OnceValues(func() (*classifier.Analyzer, error) {
	return classifier.New(classifier.WithMaxTextBytes(DefaultConfig().MaxTextBytes))
})

func testAnalyzer(t testing.TB) *classifier.Analyzer {
	t.Helper()
	an, err := sharedAnalyzer()
	if err != nil {
		t.Fatalf("classifier.New: %v", err)
	}
	return an
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 8<<20 {
		b.buf.Reset() // long fuzz runs: keep memory bounded
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testServer is a server on the shared analyzer with its log captured.
type testServer struct {
	*Server
	logs *syncBuffer
}

// newTestServer builds a server with DefaultConfig changed by mutate.
// deps.Analyzer defaults to the shared analyzer unless noAnalyzer is set in
// the returned server by the caller (use newLoadingServer for that).
func newTestServer(t testing.TB, mutate func(*Config), deps Deps) *testServer {
	t.Helper()
	cfg := DefaultConfig()
	cfg.RatePerSecond = 0
	if mutate != nil {
		mutate(&cfg)
	}
	logs := &syncBuffer{}
	deps.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if deps.Analyzer == nil {
		deps.Analyzer = testAnalyzer(t)
	}
	s, err := New(cfg, deps)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &testServer{Server: s, logs: logs}
}

// answer is a response read in full.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// problem decodes a problem+json answer, failing the test if it is not one.
func (a answer) problem(t testing.TB) Problem {
	t.Helper()
	if ct := a.header.Get("Content-Type"); ct != ProblemContentType {
		t.Fatalf("Content-Type = %q, want %q; body %s", ct, ProblemContentType, truncate(string(a.body), 300))
	}
	var p Problem
	if err := json.Unmarshal(a.body, &p); err != nil {
		t.Fatalf("problem body: %v: %s", err, a.body)
	}
	return p
}

// req is one test request.
type req struct {
	method, path, contentType string
	body                      string
	header                    map[string]string
}

// testTimeout bounds one app.Test request; fuzzing lowers it so a hang is
// reported as a failure rather than stalling the fuzzer.
var testTimeout = 30 * time.Second

// do sends r through app.Test and reads the whole answer.
func do(t testing.TB, app *fiber.App, r req) answer {
	t.Helper()
	var body io.Reader = http.NoBody
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	if r.body != "" {
		hr.ContentLength = int64(len(r.body))
	}
	if r.contentType != "" {
		hr.Header.Set("Content-Type", r.contentType)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	resp, err := app.Test(hr, fiber.TestConfig{Timeout: testTimeout, FailOnTimeout: true})
	if err != nil {
		t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", r.method, r.path, err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// jsonBody marshals v for a request body.
func jsonBody(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// libraryJSON is what the analysis library itself says about in, as a
// generic JSON value, so API answers can be compared with it exactly.
func libraryJSON(t testing.TB, in classifier.Input) any {
	t.Helper()
	res, err := testAnalyzer(t).Analyze(in)
	if err != nil {
		t.Fatalf("Analyze(%q): %v", truncate(in.Text, 40), err)
	}
	return roundTrip(t, res)
}

// roundTrip turns v into its generic JSON form.
func roundTrip(t testing.TB, v any) any {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// decodeInto decodes b into v, failing the test on error.
func decodeInto(t testing.TB, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decoding %s: %v", truncate(string(b), 200), err)
	}
}

// panicCount reads mindprint_panics_total.
func (s *Server) panicCount() float64 {
	var m dto.Metric
	if err := s.metrics.panics.Write(&m); err != nil {
		return -1
	}
	return m.GetCounter().GetValue()
}

func decodeAny(t testing.TB, b []byte) any {
	t.Helper()
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("decoding %s: %v", truncate(string(b), 200), err)
	}
	return out
}

// Texts used across the tests: realistic reviews in the four languages, with
// the letters that trip byte/rune confusion.
const (
	reviewEN = "I love trying new things, so I signed up for the beta the day it opened. The setup was quick and " +
		"well organised, and the team answered my questions within minutes. I'm curious where they take it " +
		"next — it already saves me an hour every week, and I can't wait to share it with friends. ✨"
	reviewFI = "Olen aina utelias kokeilemaan uusia asioita, ja tämä sovellus yllätti iloisesti. Käyttöönotto " +
		"sujui nopeasti ja selkeästi, ja opin joka viikko jotain uutta. Haluan kehittyä ja kasvaa, joten " +
		"jatkan ehdottomasti käyttöä."
	reviewPL = "Zawsze chętnie próbuję nowych rzeczy, a ta aplikacja mnie zaskoczyła. Wdrożenie poszło szybko, " +
		"zespół odpowiadał życzliwie i rzeczowo. Chcę się rozwijać i uczyć, więc na pewno zostanę na dłużej."
	reviewLV = "Man patīk izmēģināt jaunas lietas, un šī lietotne mani patīkami pārsteidza. Ieviešana bija ātra, " +
		"komanda atbildēja laipni. Es gribu mācīties un augt, tāpēc noteikti turpināšu ar ķēpām un ļoti daudz."
)

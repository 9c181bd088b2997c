package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mindprint/mindprint/classifier"
	"github.com/mindprint/mindprint/corpora/copylib"
	"github.com/mindprint/mindprint/corpora/quizzes"
)

// quizAnswers answers every bigfive item: extraversion-high items 5 and
// extraversion-low items 1, every other item 3.
func quizAnswers(t testing.TB) map[string]any {
	t.Helper()
	set, err := quizzes.Default()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	for _, it := range set.Get("bigfive").Items {
		switch {
		case it.Dimension != "extraversion":
			out[it.ID] = 3
		case it.Keyed == classifier.KeyedPlus:
			out[it.ID] = 5
		default:
			out[it.ID] = 1
		}
	}
	return out
}

// quizOutcome is the part of an outcome the tests read.
type quizOutcome struct {
	Respondent string          `json:"respondent"`
	Quiz       quizzes.QuizRef `json:"quiz"`
	Profile    struct {
		Language classifier.LanguageResult `json:"language"`
		Traits   classifier.Traits         `json:"traits"`
		Mindset  classifier.MindsetScore   `json:"mindset"`
		Sources  classifier.QuizSources    `json:"sources"`
		Answers  *classifier.QuizScore     `json:"answers"`
		FreeText *classifier.QuizFreeText  `json:"free_text"`
		Flags    []string                  `json:"flags"`
	} `json:"profile"`
	Recommendations []copylib.Recommendation `json:"recommendations"`
	Notes           []string                 `json:"notes"`
}

func postQuiz(t testing.TB, s *testServer, id string, body any) answer {
	t.Helper()
	b, ok := body.(string)
	if !ok {
		b = jsonBody(t, body)
	}
	return do(t, s.App(), req{method: "POST", path: "/v1/quizzes/" + id + "/responses", contentType: "application/json", body: b})
}

func TestQuizList(t *testing.T) {
	s := newTestServer(t, nil, Deps{})
	a := do(t, s.App(), req{method: "GET", path: "/v1/quizzes"})
	if a.status != 200 {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	var list QuizList
	decodeInto(t, a.body, &list)
	var got []string
	for _, q := range list.Quizzes {
		got = append(got, fmt.Sprintf("%s %v items=%d questions=%d %s", q.ID, q.Measures, q.Items, q.Questions, q.Title["lv"]))
	}
	want := []string{
		"bigfive [openness conscientiousness extraversion agreeableness neuroticism] items=20 questions=1 Iepazīsimies",
		"goals [] items=0 questions=4 Jūsu mērķi",
		"mindset [mindset] items=8 questions=1 Kā jūs mācāties",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("quizzes (-want +got):\n%s", diff)
	}
}

func TestQuizForm(t *testing.T) {
	s := newTestServer(t, nil, Deps{})
	tests := []struct {
		name   string
		path   string
		status int
		field  string // of a 422
		code   string
	}{
		{"finnish", "/v1/quizzes/bigfive?lang=fi", 200, "", ""},
		{"polish mindset", "/v1/quizzes/mindset?lang=pl", 200, "", ""},
		{"free-text only", "/v1/quizzes/goals?lang=lv", 200, "", ""},
		{"unknown quiz", "/v1/quizzes/nope?lang=fi", 404, "", ""},
		{"no language", "/v1/quizzes/bigfive", 422, "lang", "required"},
		{"a language the quiz lacks", "/v1/quizzes/bigfive?lang=de", 422, "lang", "invalid_language"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, s.App(), req{method: "GET", path: tt.path})
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, a.body)
			}
			switch {
			case tt.status == 404:
				if p := a.problem(t); p.Type != TypeNotFound || !strings.Contains(p.Detail, "bigfive, goals, mindset") {
					t.Errorf("problem %+v", p)
				}
			case tt.status == 422:
				p := a.problem(t)
				if len(p.Errors) != 1 || p.Errors[0].Field != tt.field || p.Errors[0].Code != tt.code {
					t.Errorf("errors %+v", p.Errors)
				}
			}
		})
	}

	// The form is exactly what the library renders.
	a := do(t, s.App(), req{method: "GET", path: "/v1/quizzes/bigfive?lang=fi"})
	set, _ := quizzes.Default()
	want, err := quizzes.FormOf(set.Get("bigfive"), "fi")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(roundTrip(t, want), decodeAny(t, a.body)); diff != "" {
		t.Errorf("form (-want +got):\n%s", diff)
	}
	var f map[string]any
	decodeInto(t, a.body, &f)
	scale := f["scale"].(map[string]any)
	if scale["min"] != 1.0 || scale["max"] != 5.0 || len(scale["labels"].([]any)) != 5 {
		t.Errorf("scale %v", scale)
	}
	first := f["items"].([]any)[0].(map[string]any)
	if first["trait"] == nil || (first["keyed"] != "+" && first["keyed"] != "-") || first["text"] == "" {
		t.Errorf("first item %v", first)
	}
}

func TestQuizRespond(t *testing.T) {
	s := newTestServer(t, nil, Deps{})
	a := postQuiz(t, s, "bigfive", map[string]any{"lang": "lv", "answers": quizAnswers(t), "respondent": "crm-42"})
	if a.status != 200 {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	var out quizOutcome
	decodeInto(t, a.body, &out)
	if out.Respondent != "crm-42" || out.Quiz.ID != "bigfive" || out.Quiz.Lang != "lv" || out.Quiz.Version == "" {
		t.Errorf("head %+v %+v", out.Respondent, out.Quiz)
	}
	e := out.Profile.Traits.Extraversion
	if e.Score != 1 || e.Confidence != 0.667 || out.Profile.Sources.Extraversion != (classifier.QuizShare{Answers: 1}) {
		t.Errorf("extraversion %+v, sources %+v", e, out.Profile.Sources.Extraversion)
	}
	for _, tr := range []classifier.Trait{classifier.Openness, classifier.Agreeableness} {
		if ts := out.Profile.Traits.Get(tr); ts.Score != 0 || ts.Confidence != 0.667 {
			t.Errorf("%s %+v", tr, ts)
		}
	}
	if out.Profile.Answers == nil || out.Profile.Answers.Answered != 20 || out.Profile.FreeText != nil {
		t.Errorf("parts: answers %+v, free text %+v", out.Profile.Answers, out.Profile.FreeText)
	}
	if out.Recommendations == nil || len(out.Recommendations) != 0 || !slices.Contains(out.Notes, quizzes.NoCopyLibraryNote) {
		t.Errorf("without a copy library: %v %q", out.Recommendations, out.Notes)
	}

	// Free text goes through the text pipeline in the quiz's language, and
	// the answer shows where each answer sits.
	story := "Opin joka viikko jotain uutta ja haluan kehittyä."
	a = postQuiz(t, s, "goals", map[string]any{"lang": "fi", "free_text": map[string]any{"drive": story, "aim": nil}})
	if a.status != 200 {
		t.Fatalf("goals: status %d: %s", a.status, a.body)
	}
	out = quizOutcome{}
	decodeInto(t, a.body, &out)
	ft := out.Profile.FreeText
	if ft == nil || ft.Language.Code != "fi" || ft.Language.Source != "hint" || out.Profile.Answers != nil {
		t.Fatalf("goals profile %+v", out.Profile)
	}
	if diff := cmp.Diff([]classifier.QuizSegment{{Question: "drive", Start: 0, End: len(story)}}, ft.Questions); diff != "" {
		t.Errorf("segments (-want +got):\n%s", diff)
	}
	lib, err := testAnalyzer(t).Analyze(classifier.Input{Text: story, Lang: "fi", Source: "quiz"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(lib.Mindset, out.Profile.Mindset, cmpEmpty); diff != "" {
		t.Errorf("free text only: the profile's mindset is not the text's (-want +got):\n%s", diff)
	}
}

func TestQuizRespondErrors(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.MaxBodyBytes = 64 << 10 }, Deps{})
	type fe struct{ Field, Code string }
	tests := []struct {
		name   string
		id     string
		ct     string
		body   string
		status int
		typ    string
		errors []fe
	}{
		{name: "duplicate answer", body: `{"lang":"en","answers":{"e1":5,"e1":1}}`, status: 422, typ: TypeValidation,
			errors: []fe{{"answers.e1", "duplicate_answer"}}},
		{name: "every problem named", body: `{"lang":"de","answers":{"e1":9,"zz":2,"e2":2.5,"e3":"4"},"free_text":{"nope":"x"},"mood":1}`,
			status: 422, typ: TypeValidation,
			errors: []fe{{"answers.e1", "out_of_range"}, {"answers.zz", "unknown_item"}, {"answers.e2", "out_of_range"},
				{"answers.e3", "wrong_type"}, {"free_text.nope", "unknown_question"}, {"mood", "unknown_field"}, {"lang", "invalid_language"}}},
		{name: "nothing answered", body: `{"lang":"en","answers":{}}`, status: 422, typ: TypeValidation,
			errors: []fe{{"answers", "empty_response"}}},
		{name: "missing language", body: `{"answers":{"e1":3}}`, status: 422, typ: TypeValidation, errors: []fe{{"lang", "required"}}},
		{name: "malformed JSON", body: `{"lang":"en","answers":{"e1":}}`, status: 400, typ: TypeMalformed},
		{name: "not an object", body: `[]`, status: 400, typ: TypeMalformed},
		{name: "empty body", body: ``, status: 400, typ: TypeMalformed},
		{name: "wrong content type", ct: "text/plain", body: `{"lang":"en"}`, status: 415, typ: TypeUnsupportedMedia},
		{name: "unknown quiz", id: "nope", body: `{"lang":"en","answers":{"e1":3}}`, status: 404, typ: TypeNotFound},
		{name: "too large", body: `{"lang":"en","free_text":{"weekend":"` + strings.Repeat("a", MaxQuizBodyBytes) + `"}}`, status: 413, typ: TypeTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, ct := tt.id, tt.ct
			if id == "" {
				id = "bigfive"
			}
			if ct == "" {
				ct = "application/json"
			}
			a := do(t, s.App(), req{method: "POST", path: "/v1/quizzes/" + id + "/responses", contentType: ct, body: tt.body})
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, a.body)
			}
			p := a.problem(t)
			if p.Type != tt.typ {
				t.Errorf("type %s, want %s", p.Type, tt.typ)
			}
			var got []fe
			for _, e := range p.Errors {
				got = append(got, fe{e.Field, e.Code})
				if e.Detail == "" {
					t.Errorf("%s: no detail", e.Field)
				}
			}
			if diff := cmp.Diff(tt.errors, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
	if n := s.panicCount(); n != 0 {
		t.Errorf("%g panics", n)
	}
}

func TestQuizScopesAndLoading(t *testing.T) {
	s := newTestServer(t, nil, Deps{Keys: testKeys(t)})
	body := jsonBody(t, map[string]any{"lang": "en", "answers": map[string]int{"e1": 4}})
	tests := []struct {
		name   string
		r      req
		status int
	}{
		{"list needs a key", req{method: "GET", path: "/v1/quizzes"}, 401},
		{"any key lists", req{method: "GET", path: "/v1/quizzes", header: map[string]string{"X-API-Key": secretCopy}}, 200},
		{"any key reads a form", req{method: "GET", path: "/v1/quizzes/goals?lang=pl", header: map[string]string{"X-API-Key": secretCopy}}, 200},
		{"responses need the analyze scope", req{method: "POST", path: "/v1/quizzes/bigfive/responses", contentType: "application/json",
			body: body, header: map[string]string{"X-API-Key": secretCopy}}, 403},
		{"analyze key", req{method: "POST", path: "/v1/quizzes/bigfive/responses", contentType: "application/json",
			body: body, header: map[string]string{"X-API-Key": secretAnalyze}}, 200},
		{"GET on responses", req{method: "GET", path: "/v1/quizzes/bigfive/responses", header: map[string]string{"X-API-Key": secretAnalyze}}, 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if a := do(t, s.App(), tt.r); a.status != tt.status {
				t.Errorf("status %d, want %d: %s", a.status, tt.status, a.body)
			}
		})
	}

	loading, err := New(DefaultConfig(), Deps{})
	if err != nil {
		t.Fatal(err)
	}
	if a := do(t, loading.App(), req{method: "GET", path: "/v1/quizzes/bigfive?lang=en"}); a.status != 200 {
		t.Errorf("forms while loading: %d", a.status)
	}
	a := do(t, loading.App(), req{method: "POST", path: "/v1/quizzes/bigfive/responses", contentType: "application/json", body: body})
	if a.status != 503 || a.header.Get("Retry-After") == "" {
		t.Errorf("responses while loading: %d", a.status)
	}
}

// quizCopyLibrary is a real copy library in a temporary folder with a few
// variants of our own.
func quizCopyLibrary(t testing.TB) *copylib.Library {
	t.Helper()
	lib, err := copylib.Open(t.TempDir(), copylib.WithoutSeed())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lib.Close() })
	for _, v := range []copylib.Variant{
		{ID: "lv-ballite", Lang: "lv", Kind: "cta", Text: "Nāc uz ballīti ar draugiem jau šovakar", Traits: []string{"extraversion:high"},
			Mindset: "any", Industries: []string{"nightlife"}, Touchpoint: "push"},
		{ID: "lv-miers", Lang: "lv", Kind: "headline", Text: "Klusa nedēļas nogale tikai sev", Traits: []string{"extraversion:low"},
			Mindset: "any", Industries: []string{"wellness"}, Touchpoint: "email"},
		{ID: "lv-kopiena", Lang: "lv", Kind: "cta", Text: "Pievienojies kopienai, kas mācās kopā", Traits: []string{"agreeableness:high"},
			Mindset: "growth", Industries: []string{"general"}, Touchpoint: "onsite"},
	} {
		if _, err := lib.Create(context.Background(), v); err != nil {
			t.Fatal(err)
		}
	}
	return lib
}

func TestQuizRecommendations(t *testing.T) {
	s := newTestServer(t, nil, Deps{Quizzes: &QuizService{Copy: quizCopyLibrary(t)}})
	a := postQuiz(t, s, "bigfive", map[string]any{"lang": "lv", "answers": quizAnswers(t)})
	if a.status != 200 {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	var out quizOutcome
	decodeInto(t, a.body, &out)
	if len(out.Recommendations) == 0 || out.Recommendations[0].Variant.ID != "lv-ballite" {
		t.Fatalf("recommendations %+v", out.Recommendations)
	}
	if slices.Contains(out.Notes, quizzes.NoCopyLibraryNote) {
		t.Errorf("notes %q", out.Notes)
	}
	if !strings.Contains(string(a.body), `"strategy":`) {
		t.Error("no strategy")
	}
}

func TestQuizOpenAPI(t *testing.T) {
	s := newTestServer(t, nil, Deps{})
	var doc struct {
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	decodeInto(t, do(t, s.App(), req{method: "GET", path: "/openapi.json"}).body, &doc)
	var got []string
	for p, ops := range doc.Paths {
		if strings.HasPrefix(p, "/v1/quizzes") {
			for m, op := range ops {
				got = append(got, m+" "+p+" "+op["operationId"].(string))
			}
		}
	}
	sort.Strings(got)
	want := []string{"get /v1/quizzes listQuizzes", "get /v1/quizzes/{id} getQuiz", "post /v1/quizzes/{id}/responses respondQuiz"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("quiz paths (-want +got):\n%s", diff)
	}
	var refs []string
	collectRefs(decodeAny(t, do(t, s.App(), req{method: "GET", path: "/openapi.json"}).body), &refs)
	for _, r := range refs {
		if _, ok := doc.Components.Schemas[strings.TrimPrefix(r, "#/components/schemas/")]; !ok {
			t.Errorf("unresolved $ref %s", r)
		}
	}
}

// FuzzQuizResponse: no body reaches a 500 or a panic.
func FuzzQuizResponse(f *testing.F) {
	for _, s := range []string{
		`{"lang":"fi","answers":{"e1":5,"e2":1},"free_text":{"weekend":"Mökillä ystävien kanssa 🎉"}}`,
		`{"lang":"lv","answers":{"e1":5,"e1":1}}`,
		`{"lang":"pl","answers":{"e1":1e999,"o1":-0,"g1":3.0000000001},"free_text":{"weekend":"Zażółć gęślą jaźń"}}`,
		`{"lang":"en","answers":null,"free_text":{"weekend":"\ud800 İ ǅ"}}`,
		`{"answers":{"":3},"":{}}`, `[]`, `{`, "{\"lang\":\"en\"}\x00",
	} {
		f.Add(uint8(0), []byte(s))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		s := fuzzTarget(t)
		id := []string{"bigfive", "mindset", "goals"}[int(which)%3]
		checkNo500(t, s, "/v1/quizzes/"+id+"/responses", 0, string(body))
	})
}

// BenchmarkQuizResponse measures POST /v1/quizzes/{id}/responses over real
// HTTP on loopback with keep-alive, one client at a time: every bigfive
// item answered plus one free-text answer (so the text pipeline runs), and
// recommendations from the copy library with the shipped seed copy. It
// reports p50 and p99 latency.
//
//	go test ./api -run '^$' -bench BenchmarkQuizResponse -benchtime 5000x
func BenchmarkQuizResponse(b *testing.B) {
	an := testAnalyzer(b)
	lib, err := copylib.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = lib.Close() })
	cfg := DefaultConfig()
	cfg.RatePerSecond = 0
	srv, err := New(cfg, Deps{Analyzer: an, Quizzes: &QuizService{Copy: lib}})
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln, nil) }()
	b.Cleanup(func() { cancel(); <-done })

	answers := quizAnswers(b)
	body := []byte(jsonBody(b, map[string]any{"lang": "fi", "answers": answers, "respondent": "crm-bench",
		"free_text": map[string]string{"weekend": "Olimme mökillä ystävien kanssa: saunottiin, uitiin ja juteltiin myöhään. Kokeilin myös uutta reseptiä, ja se onnistui!"}}))
	url := "http://" + ln.Addr().String() + "/v1/quizzes/bigfive/responses"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}, Timeout: 10 * time.Second}
	send := func() {
		resp, err := client.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	b.Logf("copy library: %d variants", lib.Len())
	for range 50 { // warm the connection and the caches
		send()
	}
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		send()
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

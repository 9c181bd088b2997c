package api

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mindprint/mindprint/classifier"
	"github.com/mindprint/mindprint/corpora/copylib"
)

// analyzeAnswer is a POST /v1/analyze answer with the copy library's
// recommendations decoded.
type analyzeAnswer struct {
	classifier.Result
	Recommendations *copylib.RecommendResult `json:"recommendations"`
}

// TestAnalyzeRecommend: /v1/analyze answers with recommendations only when
// asked, applies the options, and names each bad option.
func TestAnalyzeRecommend(t *testing.T) {
	s, _ := newCopyServer(t, nil)
	analyze := func(body string) answer {
		return do(t, s.App(), jsonReq("POST", "/v1/analyze", body, nil))
	}

	t.Run("not asked", func(t *testing.T) {
		a := analyze(jsonBody(t, map[string]string{"text": reviewEN}))
		if a.status != 200 {
			t.Fatalf("status %d: %s", a.status, a.body)
		}
		if _, has := decodeAny(t, a.body).(map[string]any)["recommendations"]; has {
			t.Errorf("recommendations without asking: %s", a.body)
		}
	})

	tests := []struct {
		name      string
		text      string
		recommend map[string]any
		check     func(t *testing.T, res analyzeAnswer)
	}{
		{name: "defaults", text: reviewEN, recommend: map[string]any{},
			check: func(t *testing.T, res analyzeAnswer) {
				rec := res.Recommendations
				if rec.Lang != "en" || len(rec.Recommendations) == 0 || len(rec.Recommendations) > copylib.DefaultRecommendLimit {
					t.Errorf("lang %s, %d recommendations", rec.Lang, len(rec.Recommendations))
				}
				if rec.Strategy.Summary == "" {
					t.Error("no strategy")
				}
			}},
		{name: "kinds, industry and limit", text: reviewEN,
			recommend: map[string]any{"kinds": []string{"cta"}, "industry": "travel", "touchpoint": "landing_page", "limit": 1},
			check: func(t *testing.T, res analyzeAnswer) {
				rec := res.Recommendations
				if len(rec.Recommendations) != 1 || rec.Recommendations[0].Variant.ID != "en-open-growth-cta" {
					t.Fatalf("recommendations %+v", rec.Recommendations)
				}
				r := rec.Recommendations[0]
				if r.Fit <= 0 || !strings.Contains(strings.Join(r.Reasons, "; "), "openness") {
					t.Errorf("fit %v reasons %q", r.Fit, r.Reasons)
				}
			}},
		{name: "the text's language", text: reviewFI, recommend: map[string]any{"kinds": []string{"cta"}},
			check: func(t *testing.T, res analyzeAnswer) {
				rec := res.Recommendations
				if res.Language.Code != "fi" || rec.Lang != "fi" || rec.Fallback != nil {
					t.Fatalf("language %s, copy in %s, fallback %+v", res.Language.Code, rec.Lang, rec.Fallback)
				}
				for _, r := range rec.Recommendations {
					if r.Variant.Lang != "fi" || r.Variant.Kind != "cta" {
						t.Errorf("recommended %s (%s %s)", r.Variant.ID, r.Variant.Lang, r.Variant.Kind)
					}
				}
			}},
		{name: "another language asked", text: reviewPL, recommend: map[string]any{"lang": "lv"},
			check: func(t *testing.T, res analyzeAnswer) {
				rec := res.Recommendations
				if rec.Lang != "lv" || len(rec.Recommendations) != 1 || rec.Recommendations[0].Variant.ID != "lv-agree-fixed-cta" {
					t.Errorf("lang %s: %+v", rec.Lang, rec.Recommendations)
				}
			}},
		{name: "null asks for nothing", text: reviewEN, recommend: nil,
			check: func(t *testing.T, res analyzeAnswer) {
				if res.Recommendations != nil {
					t.Errorf("recommendations for null: %+v", res.Recommendations)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := analyze(jsonBody(t, map[string]any{"text": tt.text, "recommend": tt.recommend}))
			if a.status != 200 {
				t.Fatalf("status %d: %s", a.status, a.body)
			}
			var res analyzeAnswer
			decodeInto(t, a.body, &res)
			if tt.recommend != nil && res.Recommendations == nil {
				t.Fatalf("no recommendations: %s", a.body)
			}
			// The analysis itself is what the library says, recommendations or not.
			got := decodeAny(t, a.body).(map[string]any)
			delete(got, "recommendations")
			if diff := cmp.Diff(libraryJSON(t, classifier.Input{Text: tt.text}), any(got), cmpFloat); diff != "" {
				t.Errorf("analysis (-library +api):\n%s", diff)
			}
			tt.check(t, res)
		})
	}

	bad := []struct {
		name   string
		body   string
		fields []string
	}{
		{"unknown values", `{"text":"I love new ideas","recommend":{"lang":"et","industry":"mining","kinds":["cta","poster"],"touchpoint":"fax","limit":500}}`,
			[]string{"recommend.lang", "recommend.industry", "recommend.kinds[1]", "recommend.touchpoint", "recommend.limit"}},
		{"wrong types and a misspelt option", `{"text":"I love new ideas","recommend":{"kinds":"cta","limit":"3","industy":"travel"}}`,
			[]string{"recommend.kinds", "recommend.limit", "recommend.industy"}},
		{"not an object", `{"text":"I love new ideas","recommend":true}`, []string{"recommend"}},
		{"a bad text too", `{"text":"","recommend":{"limit":0,"kinds":["x"]}}`, []string{"recommend.kinds[0]", "text"}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			a := analyze(tt.body)
			if a.status != 422 {
				t.Fatalf("status %d: %s", a.status, a.body)
			}
			if diff := cmp.Diff(tt.fields, fieldsOf(a.problem(t))); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("batch lines may not ask", func(t *testing.T) {
		a := do(t, s.App(), req{method: "POST", path: "/v1/analyze/batch", contentType: NDJSONContentType,
			body: `{"id":"a","text":"I love new ideas","recommend":{}}` + "\n" + `{"id":"b","text":"I love new ideas","recommend":null}` + "\n"})
		if a.status != 200 {
			t.Fatalf("status %d: %s", a.status, a.body)
		}
		lines := strings.Split(strings.TrimSpace(string(a.body)), "\n")
		var first BatchLineError
		decodeInto(t, []byte(lines[0]), &first)
		if first.Error == nil || len(first.Error.Errors) != 1 || first.Error.Errors[0].Field != "recommend" {
			t.Errorf("line 1: %s", lines[0])
		}
		if strings.Contains(lines[1], `"error"`) {
			t.Errorf("line 2 (recommend null): %s", lines[1])
		}
	})
}

// TestRecommendRoute: POST /v1/recommend ranks copy for a profile given as
// a whole analysis or just its traits, and names each bad field.
func TestRecommendRoute(t *testing.T) {
	s, _ := newCopyServer(t, nil)
	recommend := func(body string) answer {
		return do(t, s.App(), jsonReq("POST", "/v1/recommend", body, nil))
	}
	analysis := do(t, s.App(), jsonReq("POST", "/v1/analyze", jsonBody(t, map[string]string{"text": reviewFI}), nil))
	if analysis.status != 200 {
		t.Fatalf("analyze %d", analysis.status)
	}
	tests := []struct {
		name  string
		body  string
		check func(t *testing.T, rec copylib.RecommendResult)
	}{
		{"a whole analysis result", `{"profile":` + string(analysis.body) + `,"kinds":["cta"],"limit":2}`,
			func(t *testing.T, rec copylib.RecommendResult) {
				if rec.Lang != "fi" || len(rec.Recommendations) != 2 {
					t.Errorf("lang %s, %d recommendations", rec.Lang, len(rec.Recommendations))
				}
			}},
		{"traits and mindset only", `{"profile":{"language":{"code":"en"},"traits":{"neuroticism":{"score":0.7}},"mindset":{"label":"fixed","score":-0.6}},"industry":"insurance","limit":1}`,
			func(t *testing.T, rec copylib.RecommendResult) {
				if len(rec.Recommendations) != 1 || rec.Recommendations[0].Variant.ID != "en-neuro-fixed-cta" {
					t.Errorf("recommendations %+v", rec.Recommendations)
				}
			}},
		{"a mixed mindset gets the split pair", `{"profile":{"language":{"code":"en"},"traits":{"conscientiousness":{"score":0.5}},"mindset":{"label":"mixed"}},"industry":"careers","kinds":["cta"]}`,
			func(t *testing.T, rec copylib.RecommendResult) {
				if rec.SplitPair == nil || rec.SplitPair.Key != "analyst" || rec.SplitPair.Outcome.Variant.ID != "en-analyst-outcome" {
					t.Errorf("split pair %+v", rec.SplitPair)
				}
			}},
		{"a language without copy falls back to English", `{"profile":{"language":{"code":"et"},"mindset":{"label":"growth"}}}`,
			func(t *testing.T, rec copylib.RecommendResult) {
				if rec.Lang != "en" || rec.Fallback == nil || rec.Fallback.From != "et" {
					t.Errorf("lang %s fallback %+v", rec.Lang, rec.Fallback)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := recommend(tt.body)
			if a.status != 200 {
				t.Fatalf("status %d: %s", a.status, a.body)
			}
			var rec copylib.RecommendResult
			decodeInto(t, a.body, &rec)
			tt.check(t, rec)
		})
	}

	bad := []struct {
		name   string
		r      req
		status int
		fields []string
	}{
		{"no profile", jsonReq("POST", "/v1/recommend", `{"kinds":["cta"]}`, nil), 422, []string{"profile"}},
		{"a null profile", jsonReq("POST", "/v1/recommend", `{"profile":null}`, nil), 422, []string{"profile"}},
		{"a profile that is not an object", jsonReq("POST", "/v1/recommend", `{"profile":"growth"}`, nil), 422, []string{"profile"}},
		{"scores out of range and bad options", jsonReq("POST", "/v1/recommend",
			`{"profile":{"traits":{"openness":{"score":3}},"mindset":{"label":"curious"}},"kinds":["poster"],"limit":-2}`, nil),
			422, []string{"profile.traits.openness.score", "profile.mindset.label", "kinds[0]", "limit"}},
		{"a score of the wrong type", jsonReq("POST", "/v1/recommend", `{"profile":{"traits":{"openness":{"score":"high"}}}}`, nil),
			422, []string{"profile.traits.openness.score"}},
		{"an unknown field", jsonReq("POST", "/v1/recommend", `{"profile":{},"industries":["travel"]}`, nil), 422, []string{"industries"}},
		{"broken JSON", jsonReq("POST", "/v1/recommend", `{"profile":`, nil), 400, nil},
		{"text/plain", req{method: "POST", path: "/v1/recommend", contentType: "text/plain", body: `{"profile":{}}`}, 415, nil},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, s.App(), tt.r)
			if a.status != tt.status {
				t.Fatalf("status %d: %s", a.status, a.body)
			}
			if diff := cmp.Diff(tt.fields, fieldsOf(a.problem(t)), cmpEmpty); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

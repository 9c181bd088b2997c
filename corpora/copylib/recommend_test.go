package copylib

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mindprint/mindprint/classifier"
)

func pct(n int) *int { return &n }

// profile builds a Profile from "trait:score:percentile" readings.
func profile(lang, mindset string, mscore float64, traits map[classifier.Trait][2]float64) Profile {
	p := Profile{Language: classifier.LanguageResult{Code: lang, Confidence: 0.9, Source: "detected"}, Mindset: classifier.MindsetScore{Label: mindset, Score: mscore}}
	for t, sp := range traits {
		ts := p.Traits.Get(t)
		ts.Score = sp[0]
		if sp[1] >= 0 {
			ts.Percentile = pct(int(sp[1]))
		}
		ts.Confidence = 0.5
	}
	return p
}

func TestRecommendPolishInsuranceReassures(t *testing.T) {
	l := openFixture(t)
	p := profile("pl", classifier.MindsetFixed, -0.4, map[classifier.Trait][2]float64{
		classifier.Neuroticism: {0.7, 91}, classifier.Openness: {-0.1, 45}, classifier.Extraversion: {0.2, 58},
	})
	res, err := l.Recommend(ctx, RecommendRequest{Profile: p, Industry: "insurance", Kinds: []string{KindCTA}, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Lang != "pl" || res.Fallback != nil {
		t.Fatalf("lang %s, fallback %+v", res.Lang, res.Fallback)
	}
	if len(res.Recommendations) != 3 {
		t.Fatalf("%d recommendations", len(res.Recommendations))
	}
	safety := regexp.MustCompile(`(?i)bezpiecz|ochron|spokój`)
	for i, r := range res.Recommendations {
		v := r.Variant
		if v.Lang != "pl" || v.Kind != KindCTA || !slices.Contains(v.Traits, "neuroticism:high") {
			t.Errorf("#%d %s: %s %s %v", i, v.ID, v.Lang, v.Kind, v.Traits)
		}
		if !safety.MatchString(v.Text) {
			t.Errorf("#%d %s is not about safety: %q", i, v.ID, v.Text)
		}
		if r.Fit <= 0 || r.Fit > 1 {
			t.Errorf("#%d fit %v", i, r.Fit)
		}
	}
	top := res.Recommendations[0]
	if v := top.Variant; v.Mindset != MindsetFixed || !slices.Contains(v.Industries, "insurance") {
		t.Errorf("top pick %s (%s, %v): want fixed insurance copy", v.ID, v.Mindset, v.Industries)
	}
	wantReasons := []string{
		"targets high neuroticism, this text's strongest trait (91st percentile)",
		"fixed-mindset copy (authority, proof, fast results) for a fixed-mindset text (score -0.40)",
		"written for insurance",
	}
	if diff := cmp.Diff(wantReasons, top.Reasons); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}
	s := res.Strategy
	if s.Tone != "reassuring, calm, protective" || s.Layout != "structured" || !slices.Contains(s.Emphasise, "safety and security") ||
		!slices.Equal(s.Traits, []string{"neuroticism:high", "extraversion:high"}) || !slices.Equal(s.Industries, []string{"insurance", "healthcare", "mental-wellbeing"}) {
		t.Errorf("strategy %+v", s)
	}
	if res.SplitPair != nil {
		t.Error("a fixed mindset got a split pair")
	}
}

func TestRecommendFinnishGrowth(t *testing.T) {
	l := openFixture(t)
	p := profile("fi", classifier.MindsetGrowth, 0.6, map[classifier.Trait][2]float64{
		classifier.Openness: {0.5, 84}, classifier.Conscientiousness: {0.2, 60},
	})
	res, err := l.Recommend(ctx, RecommendRequest{Profile: p})
	if err != nil {
		t.Fatal(err)
	}
	if res.Lang != "fi" || len(res.Recommendations) != DefaultRecommendLimit {
		t.Fatalf("lang %s, %d recommendations", res.Lang, len(res.Recommendations))
	}
	for i, r := range res.Recommendations[:3] {
		if r.Variant.Lang != "fi" || r.Variant.Mindset != MindsetGrowth {
			t.Errorf("#%d %s: %s %s, want Finnish growth copy", i, r.Variant.ID, r.Variant.Lang, r.Variant.Mindset)
		}
	}
	if first := res.Recommendations[0]; !slices.Contains(first.Variant.Traits, "openness:high") ||
		first.Reasons[0] != "targets high openness, this text's strongest trait (84th percentile)" {
		t.Errorf("first: %s %v", first.Variant.ID, first.Reasons)
	}
	if res.Strategy.Layout != "exploratory" || res.Strategy.Mindset != "growth" {
		t.Errorf("strategy %+v", res.Strategy)
	}
}

func TestRecommendMixedGetsSplitPair(t *testing.T) {
	l := openFixture(t)
	for _, tc := range []struct {
		lang, key string
	}{{"pl", "trener"}, {"en", "coach"}, {"fi", "valmentaja"}, {"lv", "treneris"}} {
		t.Run(tc.lang, func(t *testing.T) {
			p := profile(tc.lang, classifier.MindsetMixed, 0.05, map[classifier.Trait][2]float64{classifier.Conscientiousness: {0.4, 77}})
			res, err := l.Recommend(ctx, RecommendRequest{Profile: p, Kinds: []string{KindCTA}, Limit: 4})
			if err != nil {
				t.Fatal(err)
			}
			sp := res.SplitPair
			if sp == nil {
				t.Fatal("no split pair for a mixed mindset")
			}
			if sp.Key != tc.key || sp.Outcome.Role != "outcome" || sp.Journey.Role != "journey" {
				t.Errorf("pair %q: %s/%s", sp.Key, sp.Outcome.Role, sp.Journey.Role)
			}
			if _, side := sp.Outcome.Variant.PairKey(); side != TagOutcome {
				t.Errorf("outcome half %s is %s", sp.Outcome.Variant.ID, side)
			}
			if _, side := sp.Journey.Variant.PairKey(); side != TagJourney {
				t.Errorf("journey half %s is %s", sp.Journey.Variant.ID, side)
			}
			recs := res.Recommendations
			if len(recs) != 4 || recs[0].Variant.ID != sp.Outcome.Variant.ID || recs[1].Variant.ID != sp.Journey.Variant.ID {
				t.Errorf("the pair does not lead the list: %v", ids(recs))
			}
			if res.Strategy.Layout != "split" {
				t.Errorf("layout %s", res.Strategy.Layout)
			}
		})
	}
}

func TestRecommendMixedWithoutWrittenPair(t *testing.T) {
	l := openFixture(t)
	// No Polish pair is written for insurance: the best fixed and growth CTAs are matched up.
	p := profile("pl", classifier.MindsetMixed, 0, map[classifier.Trait][2]float64{classifier.Neuroticism: {0.5, 80}})
	res, err := l.Recommend(ctx, RecommendRequest{Profile: p, Industry: "insurance", Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	sp := res.SplitPair
	if sp == nil || sp.Key != "" {
		t.Fatalf("split pair %+v", sp)
	}
	if sp.Outcome.Variant.Mindset != MindsetFixed || sp.Journey.Variant.Mindset != MindsetGrowth ||
		sp.Outcome.Variant.Kind != KindCTA || sp.Journey.Variant.Kind != KindCTA {
		t.Errorf("matched pair: %s (%s) + %s (%s)", sp.Outcome.Variant.ID, sp.Outcome.Variant.Mindset, sp.Journey.Variant.ID, sp.Journey.Variant.Mindset)
	}
}

func TestRecommendFallsBackToEnglish(t *testing.T) {
	l := openFixture(t)
	p := profile("lv", classifier.MindsetUnknown, 0, map[classifier.Trait][2]float64{classifier.Extraversion: {-0.5, 20}})
	res, err := l.Recommend(ctx, RecommendRequest{Profile: p, Industry: "fashion", Kinds: []string{KindCTA}})
	if err != nil {
		t.Fatal(err)
	}
	want := &Fallback{From: "lv", To: "en", Reason: "no lv copy matches industry fashion and kinds cta"}
	if diff := cmp.Diff(want, res.Fallback); diff != "" {
		t.Errorf("fallback (-want +got):\n%s", diff)
	}
	if res.Lang != "en" || len(res.Recommendations) == 0 {
		t.Fatalf("lang %s, %d recommendations", res.Lang, len(res.Recommendations))
	}
	top := res.Recommendations[0]
	if top.Variant.ID != "en-t-quiet" || !slices.Contains(top.Reasons, "English fallback: "+want.Reason) {
		t.Errorf("top %s %v", top.Variant.ID, top.Reasons)
	}

	// An unsupported profile language falls back too, and says so.
	p.Language.Code = "de"
	res, err = l.Recommend(ctx, RecommendRequest{Profile: p})
	if err != nil {
		t.Fatal(err)
	}
	if res.Lang != "en" || res.Fallback == nil || res.Fallback.From != "de" {
		t.Errorf("de: lang %s fallback %+v", res.Lang, res.Fallback)
	}
}

// TestRecommendVariety runs on the shipped English seed, which has many
// variants per pole: five picks spread over kinds, and five CTAs are not
// five versions of one line.
func TestRecommendVariety(t *testing.T) {
	l, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	p := profile("en", classifier.MindsetGrowth, 0.5, map[classifier.Trait][2]float64{classifier.Conscientiousness: {0.6, 88}})
	for _, tc := range []struct {
		name     string
		kinds    []string
		minKinds int
	}{{"all kinds", nil, 3}, {"ctas only", []string{KindCTA}, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := l.Recommend(ctx, RecommendRequest{Profile: p, Kinds: tc.kinds, Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Recommendations) != 5 {
				t.Fatalf("%d recommendations", len(res.Recommendations))
			}
			kinds, industries := map[string]bool{}, map[string]bool{}
			for i, a := range res.Recommendations {
				kinds[a.Variant.Kind] = true
				industries[a.Variant.Industries[0]] = true
				if !slices.Contains(a.Variant.Traits, "conscientiousness:high") {
					t.Errorf("%s does not target the profile's trait", a.Variant.ID)
				}
				for _, b := range res.Recommendations[i+1:] {
					if jaccard(wordSet(a.Variant.Text), wordSet(b.Variant.Text)) > 0.5 {
						t.Errorf("near duplicates %s and %s", a.Variant.ID, b.Variant.ID)
					}
				}
			}
			if len(kinds) < tc.minKinds || len(industries) < 2 {
				t.Errorf("kinds %v, industries %v in %v", kinds, industries, ids(res.Recommendations))
			}
		})
	}
}

func TestRecommendNeutralProfile(t *testing.T) {
	l := openFixture(t)
	res, err := l.Recommend(ctx, RecommendRequest{Profile: Profile{}, Lang: "pl", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Recommendations) != 2 || res.Strategy.Tone != "clear and friendly" || res.Strategy.Layout != "balanced" {
		t.Errorf("%v %+v", ids(res.Recommendations), res.Strategy)
	}
}

func TestRecommendValidation(t *testing.T) {
	l := openFixture(t)
	p := Profile{}
	p.Traits.Openness.Score = 1.5
	p.Traits.Neuroticism.Percentile = pct(101)
	p.Mindset.Label = "curious"
	_, err := l.Recommend(ctx, RecommendRequest{Profile: p, Lang: "de", Industry: "mining", Kinds: []string{"cta", "poster"}, Touchpoint: "tv", Limit: 99})
	if !isValidation(err, "profile.traits.openness.score", "profile.traits.neuroticism.percentile", "profile.mindset.label", "lang", "industry", "kinds[1]", "touchpoint", "limit") {
		t.Errorf("err = %v", err)
	}
}

// TestProfileJSON: a whole analysis result and the reduced form both decode
// into a Profile.
func TestProfileJSON(t *testing.T) {
	full := `{"id":"r1","language":{"code":"fi","confidence":0.97,"source":"detected"},"words":38,
	  "traits":{"openness":{"score":0.42,"percentile":71,"confidence":0.35,"evidence":[{"text":"luovia","entry":"luov*","pole":"high","weight":1,"start":10,"end":16,"negated":false}]}},
	  "mindset":{"label":"growth","score":0.6,"confidence":0.4,"evidence":[]},"flags":[],"lexicon_version":"2026.11-abc"}`
	var a RecommendRequest
	if err := json.Unmarshal([]byte(`{"profile":`+full+`,"industry":"travel"}`), &a); err != nil {
		t.Fatal(err)
	}
	if a.Profile.Language.Code != "fi" || *a.Profile.Traits.Openness.Percentile != 71 || a.Profile.Mindset.Label != "growth" {
		t.Errorf("full result: %+v", a.Profile)
	}
	var b RecommendRequest
	if err := json.Unmarshal([]byte(`{"profile":{"traits":{"neuroticism":{"score":0.8}},"mindset":{"label":"fixed"}},"lang":"pl"}`), &b); err != nil {
		t.Fatal(err)
	}
	if b.Profile.Traits.Neuroticism.Score != 0.8 || b.Profile.Traits.Neuroticism.Percentile != nil || b.Validate() != nil {
		t.Errorf("reduced: %+v", b.Profile)
	}
	r := &classifier.Result{Language: a.Profile.Language, Traits: a.Profile.Traits, Mindset: a.Profile.Mindset}
	if diff := cmp.Diff(a.Profile, ProfileOf(r)); diff != "" {
		t.Errorf("ProfileOf (-want +got):\n%s", diff)
	}
}

func TestOrdinal(t *testing.T) {
	got := []string{}
	for _, n := range []int{0, 1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 84, 100, 101, 111} {
		got = append(got, ordinal(n))
	}
	want := "0th 1st 2nd 3rd 4th 11th 12th 13th 21st 22nd 23rd 84th 100th 101st 111th"
	if strings.Join(got, " ") != want {
		t.Errorf("got %s", strings.Join(got, " "))
	}
}

func ids(recs []Recommendation) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.Variant.ID)
	}
	return out
}

var (
	analyzerOnce sync.Once
	analyzer     *classifier.Analyzer
	analyzerErr  error
)

// realAnalyzer builds the classifier once per test binary (it loads the
// language models, a few seconds).
func realAnalyzer(t *testing.T) *classifier.Analyzer {
	t.Helper()
	if testing.Short() {
		t.Skip("loads the language models")
	}
	analyzerOnce.Do(func() { analyzer, analyzerErr = classifier.New() })
	if analyzerErr != nil {
		t.Fatal(analyzerErr)
	}
	return analyzer
}

// TestRecommendFromAnalysis runs customer texts through the real classifier
// and recommends from its result, as POST /v1/recommend will.
func TestRecommendFromAnalysis(t *testing.T) {
	a := realAnalyzer(t)
	l := openFixture(t)
	for _, tc := range []struct {
		name     string
		text     string
		industry string
		kinds    []string
		check    func(t *testing.T, r *classifier.Result, res *RecommendResult)
	}{
		{
			name:     "anxious Polish text, insurance: reassuring Polish CTAs about safety",
			text:     "Bardzo się martwię, że coś się stanie z naszym domem. Ciągle się boję i jestem zdenerwowana, nie mogę spać ze stresu.",
			industry: "insurance", kinds: []string{KindCTA},
			check: func(t *testing.T, r *classifier.Result, res *RecommendResult) {
				if r.Language.Code != "pl" || r.Traits.Neuroticism.Score <= 0.3 {
					t.Fatalf("analysis: %s, neuroticism %.2f", r.Language.Code, r.Traits.Neuroticism.Score)
				}
				safety := regexp.MustCompile(`(?i)bezpiecz|ochron|spokój`)
				for i, rec := range res.Recommendations[:3] {
					v := rec.Variant
					if v.Lang != "pl" || v.Kind != KindCTA || !slices.Contains(v.Traits, "neuroticism:high") || !safety.MatchString(v.Text) {
						t.Errorf("#%d %s (%s, %s, %v): %q", i, v.ID, v.Lang, v.Kind, v.Traits, v.Text)
					}
				}
				if res.Strategy.Tone != "reassuring, calm, protective" {
					t.Errorf("tone %q", res.Strategy.Tone)
				}
			},
		},
		{
			name: "growth-minded Finnish review: Finnish growth copy",
			text: "Kurssi oli loistava! Opin paljon uutta ja haluan kehittyä lisää. Harjoittelen joka päivä, teen virheitä ja opin niistä.",
			check: func(t *testing.T, r *classifier.Result, res *RecommendResult) {
				if r.Language.Code != "fi" || r.Mindset.Label != classifier.MindsetGrowth {
					t.Fatalf("analysis: %s, mindset %s", r.Language.Code, r.Mindset.Label)
				}
				for i, rec := range res.Recommendations[:3] {
					if rec.Variant.Lang != "fi" || rec.Variant.Mindset != MindsetGrowth {
						t.Errorf("#%d %s: %s %s", i, rec.Variant.ID, rec.Variant.Lang, rec.Variant.Mindset)
					}
				}
				if res.Strategy.Layout != "exploratory" {
					t.Errorf("layout %q", res.Strategy.Layout)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := a.Analyze(classifier.Input{Text: tc.text})
			if err != nil {
				t.Fatal(err)
			}
			res, err := l.Recommend(ctx, RecommendRequest{Profile: ProfileOf(r), Industry: tc.industry, Kinds: tc.kinds})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Recommendations) < 3 {
				t.Fatalf("%d recommendations", len(res.Recommendations))
			}
			tc.check(t, r, res)
		})
	}
}

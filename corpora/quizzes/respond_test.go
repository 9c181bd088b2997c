package quizzes

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mindprint/mindprint/classifier"
	"github.com/mindprint/mindprint/corpora/copylib"
)

// extravertAnswers agree with every extraversion-high item of bigfive and
// disagree with every extraversion-low one; everything else is skipped.
func extravertAnswers(t *testing.T, q *classifier.QuizInstrument) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, it := range q.Items {
		if it.Dimension != string(classifier.Extraversion) {
			continue
		}
		out[it.ID] = 5
		if it.Keyed == classifier.KeyedMinus {
			out[it.ID] = 1
		}
	}
	if len(out) < MinTraitItems {
		t.Fatalf("bigfive has %d extraversion items", len(out))
	}
	return out
}

func bigfive(t *testing.T) *classifier.QuizInstrument {
	t.Helper()
	set, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return set.Get("bigfive")
}

// testLibrary is a real copy library in a temporary folder with a few
// variants of our own.
func testLibrary(t *testing.T) *copylib.Library {
	t.Helper()
	lib, err := copylib.Open(t.TempDir(), copylib.WithoutSeed())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lib.Close() })
	for _, v := range []copylib.Variant{
		{ID: "lv-party", Lang: "lv", Kind: "cta", Text: "Nāc uz ballīti ar draugiem jau šovakar", Traits: []string{"extraversion:high"},
			Mindset: "any", Industries: []string{"nightlife"}, Touchpoint: "push"},
		{ID: "lv-quiet", Lang: "lv", Kind: "cta", Text: "Atpūties mierā un klusumā", Traits: []string{"extraversion:low"},
			Mindset: "any", Industries: []string{"wellness"}, Touchpoint: "email"},
		{ID: "en-party", Lang: "en", Kind: "cta", Text: "Bring your friends to tonight's launch party", Traits: []string{"extraversion:high"},
			Mindset: "any", Industries: []string{"nightlife"}, Touchpoint: "push"},
	} {
		if _, err := lib.Create(context.Background(), v); err != nil {
			t.Fatal(err)
		}
	}
	return lib
}

func TestScoreAndRecommend(t *testing.T) {
	q := bigfive(t)
	resp := &classifier.QuizResponse{Lang: "lv", Answers: extravertAnswers(t, q), Respondent: "crm-7"}
	out, err := Score(nil, q, resp)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(QuizRef{ID: "bigfive", Version: q.Version, Lang: "lv"}, out.Quiz); diff != "" {
		t.Errorf("quiz (-want +got):\n%s", diff)
	}
	e := out.Profile.Traits.Extraversion
	if out.Respondent != "crm-7" || e.Score != 1 || e.Confidence != 0.667 || out.Profile.Sources.Extraversion != (classifier.QuizShare{Answers: 1}) {
		t.Errorf("outcome %+v, extraversion %+v", out, e)
	}

	t.Run("without a copy library", func(t *testing.T) {
		o := *out
		o.Notes = []string{}
		if err := o.Recommend(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		if len(o.Recommendations) != 0 || o.Recommendations == nil || o.Strategy != nil {
			t.Errorf("recommendations %v, strategy %v", o.Recommendations, o.Strategy)
		}
		if diff := cmp.Diff([]string{NoCopyLibraryNote}, o.Notes); diff != "" {
			t.Errorf("notes (-want +got):\n%s", diff)
		}
	})

	t.Run("with a copy library", func(t *testing.T) {
		lib := testLibrary(t)
		o := *out
		o.Notes = []string{}
		if err := o.Recommend(context.Background(), lib); err != nil {
			t.Fatal(err)
		}
		if len(o.Recommendations) == 0 || o.Recommendations[0].Variant.ID != "lv-party" {
			t.Fatalf("recommendations %+v", o.Recommendations)
		}
		if o.Strategy == nil || len(o.Strategy.Traits) == 0 || o.Strategy.Traits[0] != "extraversion:high" {
			t.Errorf("strategy %+v", o.Strategy)
		}
		for _, r := range o.Recommendations {
			if r.Variant.Lang != "lv" {
				t.Errorf("copy in %s for a Latvian quiz", r.Variant.Lang)
			}
		}

		// Finnish has no copy in this library: English, and a note saying so.
		fi := *out
		fi.Quiz.Lang, fi.Notes = "fi", []string{}
		if err := fi.Recommend(context.Background(), lib); err != nil {
			t.Fatal(err)
		}
		if len(fi.Recommendations) == 0 || fi.Recommendations[0].Variant.Lang != "en" ||
			len(fi.Notes) == 0 || !strings.HasPrefix(fi.Notes[0], "copy is in en, not fi") {
			t.Errorf("fallback: %+v %q", fi.Recommendations, fi.Notes)
		}
	})

	t.Run("a failing copy library leaves the profile intact", func(t *testing.T) {
		o := *out
		o.Notes = []string{}
		err := o.Recommend(context.Background(), failingRecommender{})
		if err == nil || !strings.Contains(err.Error(), "store offline") {
			t.Errorf("err = %v", err)
		}
		if o.Profile != out.Profile || len(o.Recommendations) != 0 || len(o.Notes) != 1 {
			t.Errorf("outcome after failure: %+v", o)
		}
	})
}

// failingRecommender stands for a copy library whose store fails.
type failingRecommender struct{}

func (failingRecommender) Recommend(context.Context, copylib.RecommendRequest) (*copylib.RecommendResult, error) {
	return nil, errors.New("store offline")
}

func TestScoreAllAgreeIsNeutral(t *testing.T) {
	q := bigfive(t)
	answers := map[string]int{}
	for _, it := range q.Items {
		answers[it.ID] = 5
	}
	out, err := Score(nil, q, &classifier.QuizResponse{Lang: "pl", Answers: answers})
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range classifier.AllTraits {
		if s := out.Profile.Traits.Get(tr); s.Score != 0 || s.Confidence != 0.667 {
			t.Errorf("%s: %+v", tr, s)
		}
	}
	if len(out.Profile.Flags) != 0 {
		t.Errorf("flags %v", out.Profile.Flags)
	}
}

package norms

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/mindprint/mindprint/classifier"
	"github.com/mindprint/mindprint/lexicons"
)

func TestDefaultParses(t *testing.T) {
	n, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "fi", "lv", "pl"} {
		ln, ok := n.Languages[lang]
		if !ok {
			t.Errorf("no norms for %s", lang)
			continue
		}
		if ln.Corpus == "" || len(ln.Windows) == 0 {
			t.Errorf("%s: no provenance or windows: %+v", lang, ln)
		}
	}
}

func TestSummarise(t *testing.T) {
	rates := make([]float64, 0, 101)
	for i := 100; i >= 0; i-- {
		rates = append(rates, float64(i))
	}
	st := summarise(rates)
	want := []float64{0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95, 100}
	if diff := cmp.Diff(want, st.Quantiles); diff != "" {
		t.Errorf("quantiles (-want +got):\n%s", diff)
	}
	if st.Mean != 50 || st.SD != 29.1548 {
		t.Errorf("mean %v sd %v, want 50 and 29.1548", st.Mean, st.SD)
	}
}

func TestBuilder(t *testing.T) {
	hdr := "lang: en\nversion: t\nlicense: CC0\nsource: test\n"
	set, err := lexicons.Load(fstest.MapFS{
		"en/modifiers.yaml": {Data: []byte("id: m\n" + hdr + "negators: [not]\n")},
		"en/o.yaml":         {Data: []byte("id: o\n" + hdr + "sections:\n  - {category: openness, pole: high, entries: [curious]}\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	an, err := classifier.New(classifier.WithLexicons(set))
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewBuilder(an, "en", 10, 20)
	if err != nil {
		t.Fatal(err)
	}
	// 800 words: every 10-word window holds "curious" once (rate 10 per 100
	// words); every 20-word window twice (also rate 10).
	for range 80 {
		if err := b.Add("I am curious " + strings.Repeat("and so on ", 2) + "x"); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := b.Result("test corpus")
	if err != nil {
		t.Fatal(err)
	}
	if len(ln.Windows) != 2 || ln.Windows[0].Words != 10 || ln.Windows[0].Count != 80 || ln.Windows[1].Count != 40 {
		t.Fatalf("windows %+v", ln.Windows)
	}
	// 20 windows of 20 words is under MinWindows, so a tiny corpus fails.
	small, _ := NewBuilder(an, "en", 50)
	small.Add(strings.Repeat("word ", 100))
	if _, err := small.Result("tiny"); err == nil || !strings.Contains(err.Error(), "fewer than 30 windows") {
		t.Errorf("tiny corpus: err %v", err)
	}
	if got := ln.Windows[0].Stats["openness"].Mean; got != 10 {
		t.Errorf("openness mean rate %v, want 10", got)
	}
	if _, err := NewBuilder(an, "fi"); err == nil {
		t.Error("a language without a lexicon must be refused")
	}
}

package classifier

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/mindprint/mindprint/lexicons"
)

const fixtureHeader = "lang: %s\nversion: test\nlicense: CC0\nsource: classifier tests\n"

// fixtureFS is a small lexicon in English and Latvian whose every weight is
// known, so scores can be asserted exactly.
var fixtureFS = fstest.MapFS{
	"en/modifiers.yaml": {Data: []byte("id: en-mod\n" + strings.ReplaceAll(fixtureHeader, "%s", "en") + `
negators: [not, never, "n't", no]
negation_window: 3
scope_breakers: [but]
intensifiers: {very: 1.5}
diminishers: {slightly: 0.5}
`)},
	"en/traits.yaml": {Data: []byte("id: en-traits\n" + strings.ReplaceAll(fixtureHeader, "%s", "en") + `
sections:
  - category: openness
    pole: high
    entries:
      - creative
      - {term: "curio*", weight: 1.5, matches: [curious, curiosity]}
      - {term: "new experiences", weight: 2}
  - category: openness
    pole: low
    entries:
      - routine
  - category: neuroticism
    pole: high
    entries:
      - {term: "stress*", matches: [stressed, stressful]}
  - category: extraversion
    pole: high
    entries:
      - "ca n't wait"
      - party
  - category: mindset
    pole: growth
    entries:
      - improve
  - category: mindset
    pole: fixed
    entries:
      - {term: "top rated", weight: 1.0}
`)},
	"lv/modifiers.yaml": {Data: []byte("id: lv-mod\n" + strings.ReplaceAll(fixtureHeader, "%s", "lv") + `
negators: [ne, nav]
negation_prefixes: [ne]
negation_window: 3
`)},
	"lv/traits.yaml": {Data: []byte("id: lv-traits\n" + strings.ReplaceAll(fixtureHeader, "%s", "lv") + `
sections:
  - category: extraversion
    pole: high
    entries:
      - {term: "patīk ballīt*", weight: 2, matches: ["patīk ballītes"]}
      - {term: "sabiedrisk*", matches: [sabiedrisks, sabiedriska, sabiedriskiem]}
  - category: mindset
    pole: growth
    entries:
      - {term: "uzlabo*", matches: [uzlabot, uzlaboju]}
`)},
}

var (
	fixtureOnce     sync.Once
	fixtureAnalyzer *Analyzer
	fixtureErr      error
)

// testAnalyzer returns one Analyzer over the fixture lexicon per test binary:
// the language models behind it take seconds to load.
func testAnalyzer(t testing.TB) *Analyzer {
	t.Helper()
	fixtureOnce.Do(func() {
		set, err := lexicons.Load(fixtureFS)
		if err != nil {
			fixtureErr = err
			return
		}
		fixtureAnalyzer, fixtureErr = New(WithLexicons(set))
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureAnalyzer
}

func TestEvidence(t *testing.T) {
	tests := []struct {
		name  string
		lang  string
		text  string
		trait Trait // "" for mindset
		want  []Evidence
		score float64
	}{
		{
			name: "plain word and wildcard stem", lang: "en", trait: Openness,
			text: "Creative and curious.",
			want: []Evidence{
				{Text: "Creative", Entry: "creative", Pole: "high", Weight: 1, Start: 0, End: 8},
				{Text: "curious", Entry: "curio*", Pole: "high", Weight: 1.5, Start: 13, End: 20},
			},
			score: 0.714, // 2.5 / 3.5
		},
		{
			name: "negation flips the pole and halves the weight", lang: "en", trait: Openness,
			text:  "I am not creative.",
			want:  []Evidence{{Text: "creative", Entry: "creative", Pole: "low", Weight: 0.5, Start: 9, End: 17, Negated: true}},
			score: -0.333,
		},
		{
			name: "contraction negates", lang: "en", trait: Neuroticism,
			text:  "I don't feel stressed at all",
			want:  []Evidence{{Text: "stressed", Entry: "stress*", Pole: "low", Weight: 0.5, Start: 13, End: 21, Negated: true}},
			score: -0.333,
		},
		{
			name: "negation stops at a scope breaker", lang: "en", trait: Openness,
			text:  "Not cheap but creative",
			want:  []Evidence{{Text: "creative", Entry: "creative", Pole: "high", Weight: 1, Start: 14, End: 22}},
			score: 0.5,
		},
		{
			name: "negation does not cross a sentence", lang: "en", trait: Openness,
			text:  "I did not. Creative work is great.",
			want:  []Evidence{{Text: "Creative", Entry: "creative", Pole: "high", Weight: 1, Start: 11, End: 19}},
			score: 0.5,
		},
		{
			name: "negation does not cross a blank line", lang: "en", trait: Openness,
			text:  "Honestly no\r\n\r\ncreative work is great",
			want:  []Evidence{{Text: "creative", Entry: "creative", Pole: "high", Weight: 1, Start: 15, End: 23}},
			score: 0.5,
		},
		{
			name: "intensifier does not cross a paragraph separator", lang: "en", trait: Openness,
			text:  "very\u2029creative",
			want:  []Evidence{{Text: "creative", Entry: "creative", Pole: "high", Weight: 1, Start: 7, End: 15}},
			score: 0.5,
		},
		{
			name: "a phrase does not span a blank line", lang: "en", trait: Openness,
			text:  "something new\n\n experiences matter, creative",
			want:  []Evidence{{Text: "creative", Entry: "creative", Pole: "high", Weight: 1, Start: 36, End: 44}},
			score: 0.5,
		},
		{
			name: "a phrase in the second paragraph keeps its offsets", lang: "en", trait: Openness,
			text:  "Not me.\n\nI love new experiences",
			want:  []Evidence{{Text: "new experiences", Entry: "new experiences", Pole: "high", Weight: 2, Start: 16, End: 31}},
			score: 0.667,
		},
		{
			name: "an abbreviation's dot does not end a negation", lang: "en", trait: Openness,
			text:  "I am not e.g. creative",
			want:  []Evidence{{Text: "creative", Entry: "creative", Pole: "low", Weight: 0.5, Start: 14, End: 22, Negated: true}},
			score: -0.333,
		},
		{
			name: "negation window is three words", lang: "en", trait: Openness,
			text:  "Never would I have said it was creative",
			want:  []Evidence{{Text: "creative", Entry: "creative", Pole: "high", Weight: 1, Start: 31, End: 39}},
			score: 0.5,
		},
		{
			name: "a negator inside a phrase opens no scope", lang: "en", trait: Extraversion,
			text: "I can't wait to party",
			want: []Evidence{
				{Text: "can't wait", Entry: "ca n't wait", Pole: "high", Weight: 1, Start: 2, End: 12},
				{Text: "party", Entry: "party", Pole: "high", Weight: 1, Start: 16, End: 21},
			},
			score: 0.667,
		},
		{
			name: "intensifier scales", lang: "en", trait: Openness,
			text: "very creative, slightly routine",
			want: []Evidence{
				{Text: "creative", Entry: "creative", Pole: "high", Weight: 1.5, Start: 5, End: 13},
				{Text: "routine", Entry: "routine", Pole: "low", Weight: 0.5, Start: 24, End: 31},
			},
			score: 0.333,
		},
		{
			name: "phrase keeps its full span", lang: "en", trait: Openness,
			text:  "I love new   experiences",
			want:  []Evidence{{Text: "new   experiences", Entry: "new experiences", Pole: "high", Weight: 2, Start: 7, End: 24}},
			score: 0.667,
		},
		{
			name: "repetition is damped harmonically", lang: "en", trait: Openness,
			text: "creative creative creative",
			want: []Evidence{
				{Text: "creative", Entry: "creative", Pole: "high", Weight: 1, Start: 0, End: 8},
				{Text: "creative", Entry: "creative", Pole: "high", Weight: 0.5, Start: 9, End: 17},
				{Text: "creative", Entry: "creative", Pole: "high", Weight: 0.333, Start: 18, End: 26},
			},
			score: 0.647, // 1.833 / 2.833
		},
		{
			name: "mindset growth negated counts as fixed", lang: "en", trait: "",
			text:  "I do not want to improve",
			want:  []Evidence{{Text: "improve", Entry: "improve", Pole: "fixed", Weight: 1, Start: 17, End: 24, Negated: true}},
			score: -0.5,
		},
		{
			name: "latvian ne- prefix negates", lang: "lv", trait: "",
			text:  "Es negribu neuzlabot neko",
			want:  []Evidence{{Text: "neuzlabot", Entry: "uzlabo*", Pole: "fixed", Weight: 1, Start: 11, End: 20, Negated: true}},
			score: -0.5,
		},
		{
			name: "latvian phrase with diacritics and stem", lang: "lv", trait: Extraversion,
			text:  "Man ļoti patīk ballītes!",
			want:  []Evidence{{Text: "patīk ballītes", Entry: "patīk ballīt*", Pole: "high", Weight: 2, Start: 10, End: 26}},
			score: 0.667,
		},
	}
	an := testAnalyzer(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := an.Analyze(Input{Text: tc.text, Lang: tc.lang})
			if err != nil {
				t.Fatal(err)
			}
			got, score := res.Mindset.Evidence, res.Mindset.Score
			if tc.trait != "" {
				got, score = res.Traits.Get(tc.trait).Evidence, res.Traits.Get(tc.trait).Score
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("evidence (-want +got):\n%s", diff)
			}
			if score != tc.score {
				t.Errorf("score = %v, want %v", score, tc.score)
			}
			for _, e := range got {
				if tc.text[e.Start:e.End] != e.Text {
					t.Errorf("evidence %q does not sit at [%d,%d)", e.Text, e.Start, e.End)
				}
			}
		})
	}
}

func TestMindsetLabel(t *testing.T) {
	tests := []struct {
		fixed, growth float64
		want          string
	}{
		{0, 0, MindsetUnknown},
		{0, 0.4, MindsetUnknown},
		{0, 1, MindsetGrowth},
		{1, 0, MindsetFixed},
		{1, 1, MindsetMixed},
		{1, 2, MindsetMixed},
		{1, 3, MindsetGrowth},
		{3, 1, MindsetFixed},
	}
	for _, tc := range tests {
		if got := mindsetLabel(tc.fixed, tc.growth); got != tc.want {
			t.Errorf("mindsetLabel(fixed %v, growth %v) = %s, want %s", tc.fixed, tc.growth, got, tc.want)
		}
	}
}

func TestFlags(t *testing.T) {
	an := testAnalyzer(t)
	tests := []struct {
		name string
		in   Input
		want []string
	}{
		{"short text", Input{Text: "creative person", Lang: "en"}, []string{FlagShortText}},
		{"repetitive", Input{Text: strings.Repeat("creative ", 2000), Lang: "en"}, []string{FlagRepetitive}},
		{"low coverage", Input{Text: strings.Repeat("the parcel arrived on a rainy tuesday afternoon ", 5), Lang: "en"}, []string{FlagRepetitive, FlagLowCoverage}},
		{"unsupported hinted language", Input{Text: "Tere, kuidas läheb?", Lang: "et"}, []string{FlagUnsupportedLanguage, FlagShortText}},
		{"no letters", Input{Text: "12345 !!! 678", Lang: ""}, []string{FlagUndeterminedLanguage, FlagShortText}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := an.Analyze(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, res.Flags); diff != "" {
				t.Errorf("flags (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRepetitionIsNotConfident(t *testing.T) {
	an := testAnalyzer(t)
	res, err := an.Analyze(Input{Text: strings.Repeat("creative ", 5000), Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	o := res.Traits.Openness
	if o.Confidence > 0.25 {
		t.Errorf("5000 repeats of one word: confidence %v, want <= 0.25", o.Confidence)
	}
	if o.EvidenceCount != 5000 || len(o.Evidence) != MaxEvidence {
		t.Errorf("evidence: count %d, listed %d; want 5000 and %d", o.EvidenceCount, len(o.Evidence), MaxEvidence)
	}
}

func TestInputErrors(t *testing.T) {
	an := testAnalyzer(t)
	tests := []struct {
		name string
		in   Input
		want *Error
	}{
		{"empty", Input{Text: ""}, &Error{Code: CodeEmptyText, Field: "text"}},
		{"whitespace and NUL", Input{Text: " \n\t\x00 "}, &Error{Code: CodeEmptyText, Field: "text"}},
		{"invalid utf-8", Input{Text: "hyv\xe4"}, &Error{Code: CodeInvalidUTF8, Field: "text"}},
		{"too long", Input{Text: strings.Repeat("a", DefaultMaxTextBytes+1)}, &Error{Code: CodeTextTooLong, Field: "text"}},
		{"unknown language", Input{Text: "hello", Lang: "xx"}, &Error{Code: CodeInvalidLanguage, Field: "lang"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := an.Analyze(tc.in)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want code %s", err, tc.want.Code)
			}
		})
	}
}

func TestResultShapeWithoutEvidence(t *testing.T) {
	an := testAnalyzer(t)
	res, err := an.Analyze(Input{ID: "crm-1", Text: "Tere, kuidas läheb?", Lang: "et"})
	if err != nil {
		t.Fatal(err)
	}
	if res.ID != "crm-1" || res.Language != (LanguageResult{Code: "et", Confidence: 1, Source: "hint"}) {
		t.Errorf("id/language = %q %+v", res.ID, res.Language)
	}
	for _, tr := range AllTraits {
		ts := res.Traits.Get(tr)
		if ts.Evidence == nil || ts.Score != 0 || ts.Percentile != nil {
			t.Errorf("%s: %+v, want zero score, nil percentile, empty (non-nil) evidence", tr, ts)
		}
	}
	if res.Mindset.Label != MindsetUnknown {
		t.Errorf("mindset label %q, want unknown", res.Mindset.Label)
	}
}

func TestPercentile(t *testing.T) {
	// Short windows: mostly zero, a few high. Long windows: spread out.
	short := []float64{-5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 5, 10, 20}
	long := []float64{-4, -3, -2, -1.5, -1, -0.8, -0.6, -0.4, -0.2, 0, 0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.5, 2, 2.5, 3, 4}
	stat := func(q []float64) map[string]Stat { return map[string]Stat{"openness": {Mean: 0, SD: 1, Quantiles: q}} }
	n := &Norms{Languages: map[string]LangNorms{
		"en": {Corpus: "test", Windows: []WindowNorms{{Words: 20, Count: 100, Stats: stat(short)}, {Words: 100, Count: 100, Stats: stat(long)}}},
	}}
	tests := []struct {
		name  string
		lang  string
		rate  float64
		words int
		want  *int
	}{
		{"zero in short windows is the mid-rank of the zeros", "en", 0, 15, intp(43)}, // quantiles 1..16 → (1+16)/2*5 = 42.5
		{"one hit in a short text", "en", 7.5, 12, intp(93)},                          // between q18=5 and q19=10
		{"zero in long windows", "en", 0, 150, intp(45)},
		{"between quantiles", "en", 0.1, 100, intp(48)},
		{"clamped high", "en", 100, 100, intp(99)},
		{"clamped low", "en", -100, 100, intp(1)},
		{"nearest window on a log scale", "en", 7.5, 40, intp(93)}, // log(40) is nearer log(20) than log(100)
		{"no norms for the language", "fi", 1, 100, nil},
		{"no words", "en", 0, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := n.Percentile(tc.lang, "openness", tc.rate, tc.words)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("percentile (-want +got):\n%s", diff)
			}
		})
	}
	if (*Norms)(nil).Percentile("en", "openness", 1, 100) != nil {
		t.Error("nil norms must give nil percentiles")
	}
}

func TestParseNormsNamesProblems(t *testing.T) {
	_, err := ParseNorms("n.json", []byte(`{"id":"x","version":"1","license":"l","source":"s","languages":{"fi":{"corpus":"c","words":10,"windows":[{"words":20,"count":5,"stats":{"openness":{"mean":0,"sd":1,"quantiles":[1,0]}}}]}}}`))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"n.json", "languages.fi.windows[0].stats.openness: want 21 quantiles", `missing "neuroticism"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestParseNormsNamesTheLine(t *testing.T) {
	const head = "{\n  \"id\": \"x\",\n"
	tests := []struct {
		name, data, want string
	}{
		{"syntax error", head + "  \"version\": 1.0.0\n}", "n.json:3: "},
		{"wrong type", head + "  \"languages\": {\n    \"fi\": {\"words\": \"many\"}}\n}", "n.json:4: "},
		{"unknown field", head + "  \"lexicon\": \"v1\"\n}", `n.json: json: unknown field "lexicon"`},
		{"cut short", head, "n.json:3: the file ends"},
		{"trailing data", `{"id":"x","version":"1","license":"l","source":"s","languages":{}}` + "\n\n{}", "n.json:3: unexpected data"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseNorms("n.json", []byte(tc.data))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to start with %q", err, tc.want)
			}
		})
	}
}

func intp(i int) *int { return &i }

package quizzes

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/mindprint/mindprint/classifier"
)

// allLanguages are the languages every shipped instrument must be written in.
var allLanguages = []string{"en", "fi", "lv", "pl"}

// TestEmbeddedInstruments checks the shipped instruments: they load, every
// item and question and every label and title exists in all four
// languages, and the scales are as the issue asks.
func TestEmbeddedInstruments(t *testing.T) {
	set, err := Default()
	if err != nil {
		t.Fatalf("embedded instruments: %v", err)
	}
	if diff := cmp.Diff([]string{"bigfive", "goals", "mindset"}, set.IDs()); diff != "" {
		t.Errorf("instruments (-want +got):\n%s", diff)
	}
	for _, q := range set.List() {
		t.Run(q.ID, func(t *testing.T) {
			if diff := cmp.Diff(allLanguages, q.Languages); diff != "" {
				t.Errorf("languages (-want +got):\n%s", diff)
			}
			has := func(what string, texts map[string]string) {
				t.Helper()
				for _, lang := range allLanguages {
					if strings.TrimSpace(texts[lang]) == "" {
						t.Errorf("%s has no %s text", what, lang)
					}
				}
				if len(texts) != len(allLanguages) {
					t.Errorf("%s has %d languages, want %d", what, len(texts), len(allLanguages))
				}
			}
			has("title", q.Title)
			has("instructions", q.Instructions)
			for _, it := range q.Items {
				has("item "+it.ID, it.Text)
			}
			for _, qu := range q.Questions {
				has("question "+qu.ID, qu.Text)
			}
			if len(q.Items) > 0 {
				for _, lang := range allLanguages {
					if len(q.Scale.Labels[lang]) != q.Scale.Max-q.Scale.Min+1 {
						t.Errorf("%s scale labels: %q", lang, q.Scale.Labels[lang])
					}
				}
			}
			// Every language renders completely.
			for _, lang := range allLanguages {
				f, err := FormOf(q, lang)
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range f.Items {
					if it.Text == "" {
						t.Errorf("%s: item %s renders empty", lang, it.ID)
					}
				}
			}
		})
	}

	counts := func(q *classifier.QuizInstrument) map[string][2]int {
		out := map[string][2]int{}
		for _, it := range q.Items {
			c := out[it.Dimension]
			if it.Keyed == classifier.KeyedPlus {
				c[0]++
			} else {
				c[1]++
			}
			out[it.Dimension] = c
		}
		return out
	}
	big := counts(set.Get("bigfive"))
	for _, tr := range classifier.AllTraits {
		if c := big[string(tr)]; c[0] < 2 || c[1] < 2 {
			t.Errorf("bigfive %s: %d keyed +, %d keyed -; want at least 2 of each", tr, c[0], c[1])
		}
	}
	if c := counts(set.Get("mindset"))[classifier.DimensionMindset]; c[0]+c[1] < MinMindsetItems || c[0] < 3 || c[1] < 3 {
		t.Errorf("mindset: %d growth-keyed, %d fixed-keyed", c[0], c[1])
	}
	if g := set.Get("goals"); len(g.Questions) < 3 || len(g.Items) != 0 {
		t.Errorf("goals: %d questions, %d items", len(g.Questions), len(g.Items))
	}
}

// validFile is a small instrument the error cases below break one way each.
const validFile = `id: tiny
version: "1"
license: CC0
source: tests
languages: [en, lv]
title: {en: Tiny, lv: Mazs}
scale:
  min: 1
  max: 3
  labels:
    en: [No, Maybe, "Yes"]
    lv: [Nē, Varbūt, Jā]
items:
  - id: e1
    trait: extraversion
    keyed: "+"
    text: {en: I love a crowd, lv: Man patīk pūlis}
  - id: e2
    trait: extraversion
    keyed: "-"
    text: {en: I avoid crowds, lv: Es izvairos no pūļiem}
  - id: e3
    trait: extraversion
    keyed: "+"
    text: {en: I start conversations, lv: Es uzsāku sarunas}
  - id: e4
    trait: extraversion
    keyed: "-"
    text: {en: I keep quiet, lv: Es klusēju}
questions:
  - id: why
    text: {en: "Why?", lv: "Kāpēc?"}
`

func TestParseValid(t *testing.T) {
	q, err := Parse("tiny.yaml", []byte(validFile))
	if err != nil {
		t.Fatal(err)
	}
	item := func(id string, k classifier.Keying, en, lv string, line int) classifier.QuizItem {
		return classifier.QuizItem{ID: id, Dimension: "extraversion", Keyed: k, Text: map[string]string{"en": en, "lv": lv}, Line: line}
	}
	want := &classifier.QuizInstrument{
		ID: "tiny", Version: "1", License: "CC0", Source: "tests", Path: "tiny.yaml",
		Languages: []string{"en", "lv"},
		Title:     map[string]string{"en": "Tiny", "lv": "Mazs"},
		Scale:     classifier.QuizScale{Min: 1, Max: 3, Labels: map[string][]string{"en": {"No", "Maybe", "Yes"}, "lv": {"Nē", "Varbūt", "Jā"}}},
		Items: []classifier.QuizItem{
			item("e1", classifier.KeyedPlus, "I love a crowd", "Man patīk pūlis", 14),
			item("e2", classifier.KeyedMinus, "I avoid crowds", "Es izvairos no pūļiem", 18),
			item("e3", classifier.KeyedPlus, "I start conversations", "Es uzsāku sarunas", 22),
			item("e4", classifier.KeyedMinus, "I keep quiet", "Es klusēju", 26),
		},
		Questions: []classifier.QuizQuestion{{ID: "why", Text: map[string]string{"en": "Why?", "lv": "Kāpēc?"}, Line: 31}},
	}
	if diff := cmp.Diff(want, q); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		old  string // replaced in validFile (first occurrence); "" means data is the whole file
		new  string
		data string
		want []string
	}{
		{name: "an item missing a language", old: "text: {en: I avoid crowds, lv: Es izvairos no pūļiem}", new: "text: {en: I avoid crowds}",
			want: []string{`t.yaml:21: item "e2": text: missing language "lv" (every text must exist in en, lv)`}},
		{name: "an item with a language the instrument lacks", old: "text: {en: I keep quiet, lv: Es klusēju}", new: "text: {en: I keep quiet, lv: Es klusēju, pl: Milczę}",
			want: []string{`t.yaml:29: unknown key "pl" in item "e4": text (want en, lv)`}},
		{name: "a question missing a language", old: `text: {en: "Why?", lv: "Kāpēc?"}`, new: `text: {lv: "Kāpēc?"}`,
			want: []string{`t.yaml:32: question "why": text: missing language "en"`}},
		{name: "a blank text", old: "lv: Es klusēju}", new: `lv: "  "}`,
			want: []string{`t.yaml:29: item "e4": text.lv is empty`}},
		{name: "title missing a language", old: "title: {en: Tiny, lv: Mazs}", new: "title: {en: Tiny}",
			want: []string{`t.yaml:6: title: missing language "lv"`}},
		{name: "too few labels", old: "lv: [Nē, Varbūt, Jā]", new: "lv: [Nē, Jā]",
			want: []string{`t.yaml:12: scale.labels.lv must list 3 labels, one for each point from 1 to 3`}},
		{name: "scale upside down", old: "  min: 1\n  max: 3", new: "  min: 3\n  max: 1",
			want: []string{`t.yaml:8: scale 3..1: want min below max and at most 11 points`}},
		{name: "unknown trait", old: "trait: extraversion\n    keyed: \"-\"\n    text: {en: I keep", new: "trait: extroversion\n    keyed: \"-\"\n    text: {en: I keep",
			want: []string{`t.yaml:27: item "e4": unknown trait "extroversion"`}},
		{name: "keying missing", old: "    keyed: \"-\"\n    text: {en: I keep", new: "    text: {en: I keep",
			want: []string{`t.yaml:26: item "e4": missing keyed`}},
		{name: "keying unquoted or wrong", old: `keyed: "-"`, new: `keyed: minus`,
			want: []string{`t.yaml:20: item "e2": keyed must be "+" or "-" (quote it), not "minus"`}},
		{name: "one keying only", old: `keyed: "-"`, new: `keyed: "+"`, // e2
			want: []string{}}, // still 3+/1-: valid; the next case breaks the balance
		{name: "one keying only breaks the balance", data: strings.ReplaceAll(validFile, `keyed: "-"`, `keyed: "+"`),
			want: []string{`t.yaml:14: extraversion has 4 item(s), 4 keyed "+" and 0 keyed "-"; it needs at least 4 with both keyings`}},
		{name: "too few items", old: "  - id: e4\n    trait: extraversion\n    keyed: \"-\"\n    text: {en: I keep quiet, lv: Es klusēju}\n", new: "",
			want: []string{`t.yaml:14: extraversion has 3 item(s)`}},
		{name: "trait and mindset both", old: "    trait: extraversion\n    keyed: \"-\"\n    text: {en: I keep", new: "    trait: extraversion\n    mindset: fixed\n    keyed: \"-\"\n    text: {en: I keep",
			want: []string{`t.yaml:26: item "e4": give trait or mindset, not both`}},
		{name: "duplicate id across items and questions", old: "- id: why", new: "- id: e1",
			want: []string{`t.yaml:31: duplicate id "e1" (also at line 14)`}},
		{name: "duplicate key", old: "source: tests", new: "source: tests\nsource: again",
			want: []string{`t.yaml:5: duplicate key "source" in the file (also at line 4)`}},
		{name: "unknown key", old: "license: CC0", new: "licence: CC0",
			want: []string{`unknown key "licence" in the file`, `missing "license"`}},
		{name: "the same text twice", old: "lv: Es klusēju}", new: "lv: Man patīk pūlis}",
			want: []string{`t.yaml:29: item "e4": the lv text is the same as at line 17`}},
		{name: "items without a scale", old: "scale:\n  min: 1\n  max: 3\n  labels:\n    en: [No, Maybe, \"Yes\"]\n    lv: [Nē, Varbūt, Jā]\n", new: "",
			want: []string{`t.yaml:8: items need a scale`}},
		{name: "bad instrument id", old: "id: tiny", new: "id: Tiny Quiz",
			want: []string{`t.yaml:1: id "Tiny Quiz": use 1-40 lowercase letters`}},
		{name: "bad language code", old: "languages: [en, lv]", new: "languages: [en, LV, en]",
			want: []string{`t.yaml:5: language "LV": want a two-letter`, `t.yaml:5: language "en" is listed twice`}},
		{name: "neither items nor questions", data: "id: x\nversion: 1\nlicense: CC0\nsource: t\nlanguages: [en]\ntitle: {en: X}\n",
			want: []string{`t.yaml:1: the instrument has neither items nor questions`}},
		{name: "mindset keyed against its side", data: mindsetFile(`keyed: "+"`),
			want: []string{`item "f1": keyed "+" contradicts mindset fixed`}},
		{name: "too few mindset items", data: strings.Replace(mindsetFile(""), "  - id: f3\n    mindset: fixed\n    text: {en: F3}\n", "", 1),
			want: []string{`mindset has 5 item(s), 3 keyed "+" and 2 keyed "-"; it needs at least 6`}},
		{name: "empty file", data: "", want: []string{"t.yaml:1: empty file"}},
		{name: "two documents", data: validFile + "---\nid: again\n", want: []string{"t.yaml:33: an instrument file holds one YAML document"}},
		{name: "not a mapping", data: "- a\n- b\n", want: []string{"t.yaml:1: the file must be a mapping"}},
		{name: "alias", data: "id: &a x\nversion: *a\n", want: []string{"YAML aliases (*a) are not supported"}},
		{name: "broken YAML", data: "id: [x\n", want: []string{"t.yaml:1: invalid YAML"}},
		{name: "not UTF-8", data: "id: \xff\n", want: []string{"t.yaml: the file is not valid UTF-8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.data
			if tt.old != "" {
				if !strings.Contains(validFile, tt.old) {
					t.Fatalf("the test's old text is not in validFile: %q", tt.old)
				}
				data = strings.Replace(validFile, tt.old, tt.new, 1)
			}
			q, err := Parse("t.yaml", []byte(data))
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || q != nil {
				t.Fatalf("no error (instrument %v)", q != nil)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Errorf("error is not a *ValidationError: %T", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// mindsetFile is a valid mindset instrument; extra goes under item f1.
func mindsetFile(extra string) string {
	s := "id: m\nversion: 1\nlicense: CC0\nsource: t\nlanguages: [en]\ntitle: {en: M}\n" +
		"scale: {min: 1, max: 5, labels: {en: [a, b, c, d, e]}}\nitems:\n"
	for _, it := range []string{"g1 growth", "f1 fixed", "g2 growth", "f2 fixed", "g3 growth", "f3 fixed"} {
		id, side, _ := strings.Cut(it, " ")
		s += "  - id: " + id + "\n    mindset: " + side + "\n"
		if id == "f1" && extra != "" {
			s += "    " + extra + "\n"
		}
		s += "    text: {en: " + strings.ToUpper(id) + "}\n"
	}
	return s
}

func TestParseMindset(t *testing.T) {
	q, err := Parse("m.yaml", []byte(mindsetFile(`keyed: "-"`)))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, it := range q.Items {
		keys = append(keys, it.ID+string(it.Keyed)+it.Dimension)
	}
	want := []string{"g1+mindset", "f1-mindset", "g2+mindset", "f2-mindset", "g3+mindset", "f3-mindset"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
}

func TestLoad(t *testing.T) {
	goals := "id: goals\nversion: 1\nlicense: CC0\nsource: t\nlanguages: [en, lv]\ntitle: {en: G, lv: M}\n" +
		"questions:\n  - id: aim\n    text: {en: \"Aim?\", lv: \"Mērķis?\"}\n"
	set, err := Load(fstest.MapFS{
		"tiny.yaml":  {Data: []byte(validFile)},
		"goals.yaml": {Data: []byte(goals)},
		"README.md":  {Data: []byte("not an instrument")},
		"sub/x.yaml": {Data: []byte("ignored: folders are not read")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"goals", "tiny"}, set.IDs()); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if set.Get("tiny") == nil || set.Get("nope") != nil || (*Set)(nil).Get("tiny") != nil {
		t.Error("Get")
	}
	want := []Summary{
		{ID: "goals", Version: "1", Languages: []string{"en", "lv"}, Title: map[string]string{"en": "G", "lv": "M"},
			Measures: []string{}, Questions: 1, License: "CC0", Source: "t"},
		{ID: "tiny", Version: "1", Languages: []string{"en", "lv"}, Title: map[string]string{"en": "Tiny", "lv": "Mazs"},
			Measures: []string{"extraversion"}, Items: 4, Questions: 1, License: "CC0", Source: "tests"},
	}
	if diff := cmp.Diff(want, set.Summaries()); diff != "" {
		t.Errorf("summaries (-want +got):\n%s", diff)
	}

	tests := []struct {
		name string
		fs   fstest.MapFS
		want []string
	}{
		{"one bad file stops the whole set", fstest.MapFS{
			"tiny.yaml": {Data: []byte(validFile)},
			"bad.yaml":  {Data: []byte(strings.Replace(validFile, "id: tiny", "id: bad\nnope: 1", 1))},
		}, []string{`bad.yaml:2: unknown key "nope" in the file`}},
		{"duplicate instrument ids", fstest.MapFS{
			"a.yaml": {Data: []byte(validFile)},
			"b.yaml": {Data: []byte(validFile)},
		}, []string{`b.yaml: instrument id "tiny" is also used by a.yaml`}},
		{".yml is refused", fstest.MapFS{
			"a.yaml": {Data: []byte(validFile)},
			"b.yml":  {Data: []byte(validFile)},
		}, []string{`b.yml: instrument files must end in .yaml`}},
		{"empty folder", fstest.MapFS{"README.md": {Data: []byte("x")}}, []string{"no instrument found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := Load(tt.fs)
			if err == nil || set != nil {
				t.Fatalf("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestFormOf(t *testing.T) {
	q, err := Parse("tiny.yaml", []byte(validFile))
	if err != nil {
		t.Fatal(err)
	}
	f, err := FormOf(q, "lv")
	if err != nil {
		t.Fatal(err)
	}
	want := &Form{
		ID: "tiny", Version: "1", Lang: "lv", Title: "Mazs",
		Scale: &FormScale{Min: 1, Max: 3, Labels: []string{"Nē", "Varbūt", "Jā"}},
		Items: []FormItem{
			{ID: "e1", Text: "Man patīk pūlis", Trait: "extraversion", Keyed: "+"},
			{ID: "e2", Text: "Es izvairos no pūļiem", Trait: "extraversion", Keyed: "-"},
			{ID: "e3", Text: "Es uzsāku sarunas", Trait: "extraversion", Keyed: "+"},
			{ID: "e4", Text: "Es klusēju", Trait: "extraversion", Keyed: "-"},
		},
		Questions: []FormQuestion{{ID: "why", Text: "Kāpēc?", MaxBytes: classifier.MaxFreeTextBytes}},
	}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("FormOf (-want +got):\n%s", diff)
	}

	m, err := Parse("m.yaml", []byte(mindsetFile("")))
	if err != nil {
		t.Fatal(err)
	}
	mf, err := FormOf(m, "en")
	if err != nil {
		t.Fatal(err)
	}
	if got := mf.Items[1]; got != (FormItem{ID: "f1", Text: "F1", Mindset: "fixed", Keyed: "-"}) {
		t.Errorf("mindset item %+v", got)
	}
	if !slices.ContainsFunc(mf.Items, func(i FormItem) bool { return i.Mindset == "growth" && i.Keyed == "+" }) {
		t.Error("no growth item keyed +")
	}

	for _, lang := range []string{"pl", ""} {
		_, err = FormOf(q, lang)
		var le *LanguageError
		if !errors.As(err, &le) || le.Lang != lang {
			t.Errorf("FormOf(%q): %v", lang, err)
		}
	}
}

// FuzzParse: no file, however broken, panics the loader, and what loads
// meets the rules scoring relies on.
func FuzzParse(f *testing.F) {
	f.Add([]byte(validFile))
	f.Add([]byte(mindsetFile("")))
	f.Add([]byte("id: x\nitems: [{id: a, trait: openness, keyed: '+', text: {en: ä}}]\n"))
	f.Add([]byte("{a: [b, {c: *d}]}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := Parse("f.yaml", data)
		if err != nil {
			return
		}
		if len(q.Items)+len(q.Questions) == 0 || len(q.Languages) == 0 {
			t.Fatalf("loaded an empty instrument: %+v", q)
		}
		for _, it := range q.Items {
			if !classifier.IsQuizDimension(it.Dimension) || (it.Keyed != "+" && it.Keyed != "-") || len(it.Text) != len(q.Languages) {
				t.Fatalf("loaded a bad item: %+v", it)
			}
		}
		for _, lang := range q.Languages {
			if _, err := FormOf(q, lang); err != nil {
				t.Fatal(err)
			}
		}
	})
}

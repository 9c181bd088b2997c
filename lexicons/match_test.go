package lexicons

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// genericSections exercises the matching rules; English needs no examples
// for stems, which keeps the table short.
const genericSections = `sections:
  - category: openness
    pole: high
    entries:
      - curious
      - "creativ*"
      - {term: creativity, weight: 1.5}
      - {term: "open to new*", rejects: ["open to nothing"]}
  - category: openness
    pole: low
    entries:
      - routine
      - same as always
  - category: conscientiousness
    pole: high
    entries:
      - "organi*"
      - "organis*"
      - organised
  - category: extraversion
    pole: high
    entries:
      - party
      - love to party
      - "friend*"
  - category: agreeableness
    pole: high
    entries:
      - "friend*"
  - category: mindset
    pole: fixed
    entries:
      - top rated
      - "top rated product*"
  - category: mindset
    pole: growth
    entries:
      - step by step
      - "learn*"
      - "learn* from mistake*"
`

func TestMatch(t *testing.T) {
	lex := testLexicon(t, "en", genericSections)
	tests := []struct {
		name string
		text string
		want []gotMatch
	}{
		{"exact word", "I am curious", []gotMatch{{2, 3, "curious", []string{"openness/high"}, false}}},
		{"stem", "creatively", []gotMatch{{0, 1, "creativ*", []string{"openness/high"}, false}}},
		{"token equal to stem", "creativ", []gotMatch{{0, 1, "creativ*", []string{"openness/high"}, false}}},
		{"exact beats stem", "creativity", []gotMatch{{0, 1, "creativity", []string{"openness/high"}, false}}},
		{"longer stem wins", "organising", []gotMatch{{0, 1, "organis*", []string{"conscientiousness/high"}, false}}},
		{"shorter stem when the longer does not match", "organizing", []gotMatch{{0, 1, "organi*", []string{"conscientiousness/high"}, false}}},
		{"exact beats longer stem", "organised", []gotMatch{{0, 1, "organised", []string{"conscientiousness/high"}, false}}},
		{"phrase", "a top rated app", []gotMatch{{1, 3, "top rated", []string{"mindset/fixed"}, false}}},
		{"longest phrase wins", "top rated products here", []gotMatch{{0, 3, "top rated product*", []string{"mindset/fixed"}, false}}},
		{"back off to a shorter phrase", "top rated service", []gotMatch{{0, 2, "top rated", []string{"mindset/fixed"}, false}}},
		{"partial phrase matches nothing", "top quality", nil},
		{"phrase beats its own last word", "I love to party", []gotMatch{{1, 4, "love to party", []string{"extraversion/high"}, false}}},
		{"stems inside a phrase", "learned from mistakes", []gotMatch{{0, 3, "learn* from mistake*", []string{"mindset/growth"}, false}}},
		{"stem at the end of a phrase", "open to newness", []gotMatch{{0, 3, "open to new*", []string{"openness/high"}, false}}},
		{"punctuation breaks a phrase", "top , rated", nil},
		{"punctuation breaks a longer phrase", "learning , from mistakes", []gotMatch{{0, 1, "learn*", []string{"mindset/growth"}, false}}},
		{"phrase across a sentence end", "step by . step", nil},
		{"term in two categories fires both", "my friends", []gotMatch{{1, 2, "friend*", []string{"extraversion/high", "agreeableness/high"}, false}}},
		{"several matches in order", "curious routine party", []gotMatch{
			{0, 1, "curious", []string{"openness/high"}, false},
			{1, 2, "routine", []string{"openness/low"}, false},
			{2, 3, "party", []string{"extraversion/high"}, false},
		}},
		{"covered tokens are not matched again", "step by step by step", []gotMatch{{0, 3, "step by step", []string{"mindset/growth"}, false}}},
		{"case folded", "CURIOUS Same As Always", []gotMatch{
			{0, 1, "curious", []string{"openness/high"}, false},
			{1, 4, "same as always", []string{"openness/low"}, false},
		}},
		{"no match", "nothing here at all", nil},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := matchAll(lex, toks(tt.text))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Match(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestMatchUnicode(t *testing.T) {
	set := fixture(t)
	tests := []struct {
		name, lang, text string
		want             []gotMatch
	}{
		{"fi ä ö uppercase", "fi", "Olin TÖYKEÄ", []gotMatch{{1, 2, "töykeä", []string{"agreeableness/low"}, false}}},
		{"fi decomposed ä", "fi", "to\u0308ykea\u0308", []gotMatch{{0, 1, "töykeä", []string{"agreeableness/low"}, false}}},
		{"fi stem with ä", "fi", "Kävelyretkellä olin utelias", []gotMatch{
			{0, 1, "kävelyretk*", []string{"openness/high"}, false},
			{2, 3, "utelias", []string{"openness/high"}, false},
		}},
		{"fi longer stem wins", "fi", "luovuutta", []gotMatch{{0, 1, "luovuu*", []string{"openness/high"}, false}}},
		{"fi phrase with a stem", "fi", "Parhaiten arvioituja tuotteita", []gotMatch{{0, 2, "parhaiten arvioi*", []string{"mindset/fixed"}, false}}},
		{"pl ż ł", "pl", "Jestem ZAŻENOWANA i zły", []gotMatch{
			{1, 2, "zażenowan*", []string{"neuroticism/high"}, false},
			{3, 4, "zły", []string{"neuroticism/high"}, false},
		}},
		{"pl ę in a phrase", "pl", "Martwię się", []gotMatch{{0, 2, "martwię się", []string{"neuroticism/high"}, false}}},
		{"pl stem phrase with się", "pl", "Rozwijamy się razem", []gotMatch{{0, 2, "rozwija* się", []string{"mindset/growth"}, false}}},
		{"pl stem without się", "pl", "rozwijamy", nil},
		{"lv ā ē ķ ļ ņ š", "lv", "Ļoti ķildīgs , ļauns un uzņēmīga radošiem", []gotMatch{
			{1, 2, "ķildīg*", []string{"agreeableness/low"}, false},
			{3, 4, "ļauns", []string{"agreeableness/low"}, false},
			{5, 6, "uzņēmīg*", []string{"extraversion/high"}, false},
			{6, 7, "radoš*", []string{"openness/high"}, false},
		}},
		{"lv phrase with ē", "lv", "Visaugstāk novērtētie", []gotMatch{{0, 2, "visaugstāk novērtēt*", []string{"mindset/fixed"}, false}}},
		{"en Turkish İ", "en", "İNNOVATIVE", []gotMatch{{0, 1, "innovative", []string{"openness/high"}, false}}},
		{"en curly apostrophe", "en", "I can’t wait", []gotMatch{{1, 3, "can't wait", []string{"extraversion/high"}, false}}},
		{"en modifier apostrophe", "en", "CAN‘T WAIT", []gotMatch{{0, 2, "can't wait", []string{"extraversion/high"}, false}}},
		{"emoji is not a word", "en", "party 🎉 party", []gotMatch{
			{0, 1, "party", []string{"extraversion/high"}, false},
			{2, 3, "party", []string{"extraversion/high"}, false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := matchAll(set.Lexicon(tt.lang), toks(tt.text))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s Match(%q) mismatch (-want +got):\n%s", tt.lang, tt.text, diff)
			}
		})
	}
}

func TestMatchNegationPrefix(t *testing.T) {
	lv := fixture(t).Lexicon("lv")
	tests := []struct {
		name string
		text string
		want []gotMatch
	}{
		{"plain word", "drošs", []gotMatch{{0, 1, "droš*", []string{"neuroticism/low"}, false}}},
		{"prefix stripped", "nedroša", []gotMatch{{0, 1, "droš*", []string{"neuroticism/low"}, true}}},
		{"lexicalised ne- word wins", "nedrošs", []gotMatch{{0, 1, "nedrošs", []string{"neuroticism/high"}, false}}},
		{"word that merely starts with ne", "nervoza", []gotMatch{{0, 1, "nervoz*", []string{"neuroticism/high"}, false}}},
		{"prefix on another trait", "Neradošs", []gotMatch{{0, 1, "radoš*", []string{"openness/high"}, true}}},
		{"prefix before a phrase", "nevisaugstāk novērtēts", []gotMatch{{0, 2, "visaugstāk novērtēt*", []string{"mindset/fixed"}, true}}},
		{"remainder shorter than 3 letters", "neau", nil},
		{"negator alone", "ne", nil},
		{"remainder that matches nothing", "nezināms", nil},
		{"exact remainder", "neaugt", []gotMatch{{0, 1, "augt", []string{"mindset/growth"}, true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := matchAll(lv, toks(tt.text))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Match(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
	// Finnish has no negation prefixes in the fixture: nothing is stripped.
	if got := matchAll(fixture(t).Lexicon("fi"), toks("neluova")); got != nil {
		t.Errorf("fi without prefixes matched %v", got)
	}
}

func TestMatchWord(t *testing.T) {
	fi := fixture(t).Lexicon("fi")
	tests := []struct {
		word   string
		want   gotMatch
		wantOK bool
	}{
		{"Luovaa", gotMatch{0, 1, "luov*", []string{"openness/high"}, false}, true},
		{"luovuus", gotMatch{0, 1, "luovuu*", []string{"openness/high"}, false}, true},
		{"kasvot", gotMatch{}, false},
		{"", gotMatch{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			m, ok := fi.MatchWord(tt.word)
			if ok != tt.wantOK {
				t.Fatalf("MatchWord(%q) ok = %v, want %v", tt.word, ok, tt.wantOK)
			}
			if !ok {
				return
			}
			if diff := cmp.Diff(tt.want, view(m)); diff != "" {
				t.Errorf("MatchWord(%q) mismatch (-want +got):\n%s", tt.word, diff)
			}
		})
	}
}

func TestMatchEntriesPointIntoLexicon(t *testing.T) {
	lex := testLexicon(t, "en", genericSections)
	m, ok := lex.MatchWord("friends")
	if !ok || len(m.Entries) != 2 {
		t.Fatalf("MatchWord(friends) = %v, %v", m, ok)
	}
	for _, e := range m.Entries {
		found := false
		for i := range lex.Entries {
			if e == &lex.Entries[i] {
				found = true
			}
		}
		if !found {
			t.Errorf("entry %+v is not an element of Lexicon.Entries", *e)
		}
		if e.File != "en/test.yaml" || e.Term != "friend*" {
			t.Errorf("entry %s %q, want en/test.yaml friend*", e.Pos(), e.Term)
		}
	}
}

func TestMatchNilAndEmpty(t *testing.T) {
	var nilLex *Lexicon
	nilLex.Match([]string{"x"}, func(Match) { t.Error("nil lexicon matched") })
	empty := mustLoad(t, map[string]string{"xx/modifiers.yaml": modifiersFile("xx")}).Lexicon("xx")
	if empty == nil {
		t.Fatal("a language with only modifiers.yaml is not loaded")
	}
	empty.Match(toks("anything at all"), func(Match) { t.Error("empty lexicon matched") })
}

func TestMatchAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items")
	}
	lex := fixture(t).Lexicon("fi")
	words := toks(finnishReview)
	n := 0
	fn := func(Match) { n++ }
	lex.Match(words, fn) // warm the pool
	if allocs := testing.AllocsPerRun(50, func() { lex.Match(words, fn) }); allocs > 0 {
		t.Errorf("Match allocates %.0f times per call, want 0", allocs)
	}
	if n == 0 {
		t.Error("the review matched nothing")
	}
}

func TestMatchConcurrent(t *testing.T) {
	lex := fixture(t).Lexicon("fi")
	words := toks(finnishReview)
	want := matchAll(lex, words)
	if len(want) == 0 {
		t.Fatal("the review matched nothing")
	}
	errs := make(chan string, 4)
	for g := 0; g < 4; g++ {
		go func() {
			for i := 0; i < 200; i++ {
				if diff := cmp.Diff(want, matchAll(lex, words)); diff != "" {
					errs <- diff
					return
				}
			}
			errs <- ""
		}()
	}
	for g := 0; g < 4; g++ {
		if diff := <-errs; diff != "" {
			t.Errorf("concurrent Match differs (-want +got):\n%s", diff)
		}
	}
}

func TestMatchReentrant(t *testing.T) {
	lex := fixture(t).Lexicon("fi")
	outer := toks("utelias ja luova")
	var got []gotMatch
	lex.Match(outer, func(m Match) {
		got = append(got, view(m))
		// A callback that matches again must not disturb the outer call.
		lex.Match(toks("parhaiten arvioitu"), func(Match) {})
	})
	want := []gotMatch{
		{0, 1, "utelias", []string{"openness/high"}, false},
		{2, 3, "luov*", []string{"openness/high"}, false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("re-entrant Match mismatch (-want +got):\n%s", diff)
	}
}

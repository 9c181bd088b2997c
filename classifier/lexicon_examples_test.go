package classifier

import (
	"strings"
	"testing"

	"github.com/mindprint/mindprint/lexicons"
)

// TestLexiconTermsSurviveTheTokenizer runs every embedded lexicon entry's
// matches examples — and, for entries without examples and without
// wildcards, the term itself — through the real tokenizer and matcher. The
// lexicons package checks examples split on spaces; this catches terms
// written in a form the tokenizer never produces, such as "can't wait"
// (the tokenizer yields "ca" + "n't").
func TestLexiconTermsSurviveTheTokenizer(t *testing.T) {
	set, err := lexicons.Default()
	if err != nil {
		t.Fatal(err)
	}
	tk := NewTokenizer()
	for _, lang := range set.Languages() {
		lex := set.Lexicon(lang)
		t.Run(lang, func(t *testing.T) {
			failures := 0
			for i := range lex.Entries {
				e := &lex.Entries[i]
				examples := e.Matches
				if len(examples) == 0 && !strings.Contains(e.Term, "*") {
					examples = []string{e.Term}
				}
				for _, ex := range examples {
					if !fires(tk, lex, lang, ex, e) {
						failures++
						if failures <= 20 {
							t.Errorf("%s:%d: %q (%s/%s) is not found in the text %q after tokenizing",
								e.File, e.Line, e.Term, e.Category, e.Pole, ex)
						}
					}
				}
			}
			if failures > 20 {
				t.Errorf("... and %d more", failures-20)
			}
		})
	}
}

// fires reports whether text, tokenized as lang, fires entry e or another
// entry of the same category and pole (a longer term may win).
func fires(tk *Tokenizer, lex *lexicons.Lexicon, lang, text string, e *lexicons.Entry) bool {
	toks := tk.Tokenize(text, lang)
	words := make([]string, len(toks))
	for i, t := range toks {
		if t.Kind == KindWord {
			words[i] = t.Norm
		}
	}
	ok := false
	lex.Match(words, func(m lexicons.Match) {
		if m.PrefixNegated {
			return
		}
		for _, o := range m.Entries {
			if o == e || (o.Category == e.Category && o.Pole == e.Pole) {
				ok = true
			}
		}
	})
	return ok
}

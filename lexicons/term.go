package lexicons

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxTermWords is the most words a phrase term may have.
const MaxTermWords = 6

// MinStemLetters is the fewest letters a wildcard stem may have before its
// "*"; stems of exactly this length must list rejects.
const MinStemLetters = 3

// wordPat is one word of a term: an exact word, or a stem matching every
// token that starts with it.
type wordPat struct {
	body string // without the "*"
	stem bool
}

func (w wordPat) String() string {
	if w.stem {
		return w.body + "*"
	}
	return w.body
}

// matches reports whether a folded token matches the word.
func (w wordPat) matches(tok string) bool {
	if w.stem {
		return strings.HasPrefix(tok, w.body)
	}
	return tok == w.body
}

// parseTerm checks a term against the rules of FORMAT.md and splits it into
// its words. On failure it returns a message for a ValidationError.
func parseTerm(term string) ([]wordPat, string) {
	switch {
	case strings.TrimSpace(term) == "":
		return nil, "empty term"
	case strings.TrimSpace(term) != term:
		return nil, fmt.Sprintf("term %q has spaces at the ends", term)
	case strings.Contains(term, "  "):
		return nil, fmt.Sprintf("term %q has double spaces", term)
	case strings.ToLower(term) != term:
		return nil, fmt.Sprintf("term %q must be lowercase", term)
	case Fold(term) != term:
		return nil, fmt.Sprintf("term %q is not in folded form (NFC, straight apostrophes); write %q", term, Fold(term))
	}
	parts := strings.Split(term, " ")
	if len(parts) > MaxTermWords {
		return nil, fmt.Sprintf("term %q has %d words (at most %d)", term, len(parts), MaxTermWords)
	}
	words := make([]wordPat, len(parts))
	for i, p := range parts {
		w := wordPat{body: p}
		if k := strings.IndexByte(p, '*'); k >= 0 {
			if k != len(p)-1 {
				return nil, fmt.Sprintf("term %q has \"*\" inside a word (\"*\" may only end a word)", term)
			}
			w = wordPat{body: p[:k], stem: true}
		}
		if msg := checkWord(term, w); msg != "" {
			return nil, msg
		}
		words[i] = w
	}
	return words, ""
}

// checkWord checks the characters of one word of term.
func checkWord(term string, w wordPat) string {
	letters := 0
	for i, r := range w.body {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.IsMark(r) && i > 0:
		case r == '-' || r == '\'':
			if i == 0 || i+utf8.RuneLen(r) == len(w.body) {
				if w.stem && i > 0 {
					return fmt.Sprintf("term %q has %q before \"*\" (a stem ends with a letter)", term, r)
				}
				return fmt.Sprintf("term %q has %q at the edge of a word (\"-\" and \"'\" may only be inside a word)", term, r)
			}
		default:
			return fmt.Sprintf("term %q has the character %q (words are letters with inner \"-\" or \"'\")", term, r)
		}
	}
	if w.stem && letters < MinStemLetters {
		return fmt.Sprintf("stem %q is shorter than %d letters", w.String(), MinStemLetters)
	}
	if letters == 0 {
		return fmt.Sprintf("term %q has a word without letters", term)
	}
	return ""
}

// stemLetters returns the number of letters of a stem's body.
func stemLetters(w wordPat) int {
	n := 0
	for _, r := range w.body {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// termMatchesExample reports whether the words of a term match an example
// as a whole: the example is folded and split on spaces, and each of its
// tokens must match the term's word at the same position.
func termMatchesExample(words []wordPat, example string) bool {
	toks := strings.Fields(Fold(example))
	if len(toks) != len(words) {
		return false
	}
	for i, w := range words {
		if !w.matches(toks[i]) {
			return false
		}
	}
	return true
}

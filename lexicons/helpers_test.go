package lexicons

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"
)

// header returns the five header lines of a test file.
func header(id, lang string) string {
	return fmt.Sprintf("id: %s\nlang: %s\nversion: 2026.11.1\nlicense: CC-BY-4.0\nsource: written for the lexicons tests\n", id, lang)
}

// modifiersFile is a minimal valid modifiers.yaml for lang.
func modifiersFile(lang string) string {
	return header(lang+"-modifiers", lang) + "negators: [not]\n"
}

// entryFile is an entry file whose body starts on line 6.
func entryFile(lang, id, body string) string { return header(id, lang) + body }

func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for p, s := range files {
		fsys[p] = &fstest.MapFile{Data: []byte(s)}
	}
	return fsys
}

// mustLoad loads files (path -> content) or fails the test.
func mustLoad(t testing.TB, files map[string]string) *Set {
	t.Helper()
	set, err := Load(mapFS(files))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return set
}

// testLexicon loads one language from the sections of a single entry file.
func testLexicon(t testing.TB, lang, sections string) *Lexicon {
	t.Helper()
	return mustLoad(t, map[string]string{
		lang + "/modifiers.yaml": modifiersFile(lang),
		lang + "/test.yaml":      entryFile(lang, lang+"-test", sections),
	}).Lexicon(lang)
}

// fixture loads testdata/fixture (en, fi, lv, pl).
func fixture(t testing.TB) *Set {
	t.Helper()
	set, err := Load(os.DirFS("testdata/fixture"))
	if err != nil {
		t.Fatalf("Load(testdata/fixture): %v", err)
	}
	return set
}

// toks is a small tokenizer for tests: words are runs of letters, marks,
// digits and inner apostrophes or hyphens, folded; every other non-space
// character is a token of its own passed as "" (as the classifier passes
// punctuation and emoji).
func toks(s string) []string {
	var out []string
	rs := []rune(s)
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) }
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case isWord(r):
			j := i + 1
			for j < len(rs) && (isWord(rs[j]) || strings.ContainsRune("'’‘ʼ-", rs[j]) && j+1 < len(rs) && isWord(rs[j+1])) {
				j++
			}
			out = append(out, Fold(string(rs[i:j])))
			i = j
		default:
			out = append(out, "")
			i++
		}
	}
	return out
}

// gotMatch is a Match with its entries reduced to "category/pole".
type gotMatch struct {
	Start, End int
	Term       string
	Fires      []string
	Negated    bool
}

func view(m Match) gotMatch {
	g := gotMatch{Start: m.Start, End: m.End, Term: m.Term, Negated: m.PrefixNegated}
	for _, e := range m.Entries {
		g.Fires = append(g.Fires, string(e.Category)+"/"+string(e.Pole))
	}
	return g
}

func matchAll(l *Lexicon, words []string) []gotMatch {
	var out []gotMatch
	l.Match(words, func(m Match) { out = append(out, view(m)) })
	return out
}

// errLines splits a Load error into its "path:line: message" lines.
func errLines(err error) []string {
	if err == nil {
		return nil
	}
	var out []string
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, e.Error())
		}
		return out
	}
	return []string{err.Error()}
}

// allValidationErrors reports whether every joined error is a *ValidationError.
func allValidationErrors(err error) bool {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		var ve *ValidationError
		return errors.As(err, &ve)
	}
	for _, e := range j.Unwrap() {
		if _, ok := e.(*ValidationError); !ok {
			return false
		}
	}
	return true
}

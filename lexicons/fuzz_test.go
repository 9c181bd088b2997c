package lexicons

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func FuzzLoad(f *testing.F) {
	for _, lang := range []string{"en", "fi", "lv", "pl"} {
		entries, err := os.ReadFile(filepath.Join("testdata/fixture", lang, "traits.yaml"))
		if err != nil {
			f.Fatal(err)
		}
		mods, err := os.ReadFile(filepath.Join("testdata/fixture", lang, "modifiers.yaml"))
		if err != nil {
			f.Fatal(err)
		}
		// The fuzzed files live in folder xx; swap the lang so seeds load.
		f.Add(bytes.ReplaceAll(entries, []byte("lang: "+lang), []byte("lang: xx")),
			bytes.ReplaceAll(mods, []byte("lang: "+lang), []byte("lang: xx")))
	}
	f.Add([]byte(""), []byte(modifiersFile("xx")))
	f.Add([]byte("sections:\n  - &a {category: openness}\n  - *a\n"), []byte("- x"))
	f.Add([]byte(entryFile("xx", "xx-a", "sections:\n  - {category: openness, pole: high, entries: [\"a b c d e f g\", \"lu*\"]}\n")),
		[]byte(header("xx-m", "xx")+"negation_window: 1e400\nintensifiers: {x: .inf}\n"))
	f.Fuzz(func(t *testing.T, entries, mods []byte) {
		set, err := Load(mapFS(map[string]string{"xx/a.yaml": string(entries), "xx/modifiers.yaml": string(mods)}))
		if (set == nil) == (err == nil) {
			t.Fatalf("Load returned set %v and error %v", set, err)
		}
		if err != nil {
			if !allValidationErrors(err) {
				t.Fatalf("Load error is not made of *ValidationError: %v", err)
			}
			for _, line := range errLines(err) {
				if !strings.HasPrefix(line, "xx/") {
					t.Fatalf("error %q does not name a file", line)
				}
			}
			return
		}
		lex := set.Lexicon("xx")
		if lex == nil {
			t.Fatal("loaded set has no xx lexicon")
		}
		for _, e := range lex.Entries {
			if _, msg := parseTerm(e.Term); msg != "" {
				t.Fatalf("loaded an invalid term: %s", msg)
			}
			if !(e.Weight > 0 && e.Weight <= 3) {
				t.Fatalf("loaded weight %v", e.Weight)
			}
			checkMatches(t, lex, strings.Fields(e.Term))
		}
	})
}

func FuzzImportDic(f *testing.F) {
	f.Add(sampleDic)
	f.Add("%\n1 openness_high\n%\ncurious\t1\n")
	f.Add("%\n1\topenness_high\n2\tmindset_growth\n%\nkind of 1 2\nlearn*\t2\n")
	f.Add("%\n%\n")
	f.Fuzz(func(t *testing.T, data string) {
		im, err := ImportDic(strings.NewReader(data), "f.dic", sampleMap)
		checkImported(t, im, err)
	})
}

func FuzzImportDicx(f *testing.F) {
	f.Add(sampleDicx)
	f.Add("DicTerm,openness_high,mindset_fixed\ncurious,X,\nproven,,1.5\n")
	f.Add("DicTerm\n")
	f.Fuzz(func(t *testing.T, data string) {
		im, err := ImportDicx(strings.NewReader(data), "f.dicx", sampleMap)
		checkImported(t, im, err)
	})
}

// checkImported checks that a successful import writes a file that loads,
// in a language that needs examples for stems and in one that does not.
func checkImported(t *testing.T, im *Imported, err error) {
	t.Helper()
	if err != nil {
		if im != nil {
			t.Fatalf("import returned a result and an error: %v", err)
		}
		return
	}
	for _, e := range im.Entries {
		if _, msg := parseTerm(e.Term); msg != "" {
			t.Fatalf("imported an invalid term: %s", msg)
		}
	}
	for _, lang := range []string{"en", "fi"} {
		var buf bytes.Buffer
		hdr := FileInfo{ID: "imp", Lang: lang, Version: "1", License: "CC-BY-4.0", Source: "fuzz"}
		if err := im.WriteYAML(&buf, hdr); err != nil {
			t.Fatalf("WriteYAML: %v", err)
		}
		if _, err := Load(mapFS(map[string]string{lang + "/modifiers.yaml": modifiersFile(lang), lang + "/imp.yaml": buf.String()})); err != nil {
			t.Fatalf("written file does not load: %v\n%s", err, buf.String())
		}
	}
}

func FuzzMatch(f *testing.F) {
	f.Add("Olen utelias ja luova, parhaiten arvioitu!")
	f.Add("nedroša nevisaugstāk novērtēts radošiem")
	f.Add("Rozwijamy się, martwię się. ZAŻENOWANA")
	f.Add("I can’t wait to learn from failure; top rated İNNOVATIVE")
	f.Add("a\xffb \u0308 ne ne ne")
	set := fixture(f)
	f.Fuzz(func(t *testing.T, text string) {
		for _, lang := range set.Languages() {
			lex := set.Lexicon(lang)
			checkMatches(t, lex, toks(text))
			// Match must also survive tokens nobody folded.
			checkMatches(t, lex, strings.Fields(text))
		}
	})
}

// checkMatches checks the invariants of Match on words.
func checkMatches(t *testing.T, lex *Lexicon, words []string) {
	t.Helper()
	next := 0
	lex.Match(words, func(m Match) {
		if m.Start < next || m.End <= m.Start || m.End > len(words) {
			t.Fatalf("match [%d,%d) out of order or range (next %d, %d words)", m.Start, m.End, next, len(words))
		}
		next = m.End
		if len(m.Entries) == 0 {
			t.Fatalf("match %q has no entries", m.Term)
		}
		for _, e := range m.Entries {
			if e.Term != m.Term {
				t.Fatalf("match %q carries entry %q", m.Term, e.Term)
			}
		}
		pats, msg := parseTerm(m.Term)
		if msg != "" || len(pats) != m.End-m.Start {
			t.Fatalf("match %q covers %d tokens", m.Term, m.End-m.Start)
		}
		for k, p := range pats {
			w := words[m.Start+k]
			if k == 0 && m.PrefixNegated {
				if !slices.ContainsFunc(lex.Modifiers.NegationPrefixes, func(pre string) bool {
					rest, ok := strings.CutPrefix(w, pre)
					return ok && p.matches(rest)
				}) {
					t.Fatalf("prefix-negated match %q: token %q has no prefix before a match", m.Term, w)
				}
				continue
			}
			if !p.matches(w) {
				t.Fatalf("match %q: token %q does not match word %q", m.Term, w, p)
			}
		}
	})
}

package lexicons

import (
	"fmt"
	"testing"
)

// finnishReview is a customer review written for these tests (about 60
// tokens with punctuation).
const finnishReview = "Tilasin uuden kameran ja se saapui ajallaan. Olen utelias ihminen ja haluan " +
	"kokeilla uusia kokemuksia, joten luova harrastus sopii minulle. Asiakaspalvelu oli kuitenkin " +
	"töykeä, kun kysyin takuusta. Todistetusti hyvä laite ja parhaiten arvioitu mallisto, mutta " +
	"haluan kasvaa kuvaajana askel kerrallaan. Kävelyretkellä kuvasin järven rantaa ja opin paljon."

// englishReview is an English customer text written for these tests.
const englishReview = "I ordered the planner last week and it arrived on time. Honestly I'm not very organised, " +
	"but I love trying new things and the step-by-step lessons helped me improve a lot. Customer " +
	"service was friendly, although the app crashed twice and I got really stressed. Top rated, " +
	"proven design; I can't wait to keep learning and share it with my friends at the next party."

type benchCase struct {
	name string
	lex  *Lexicon
	text string
}

// benchCases returns what to benchmark: the fixture's Finnish lexicon
// always, and each embedded lexicon that has entries and a text above.
func benchCases(b *testing.B) []benchCase {
	out := []benchCase{{"fixture-fi", fixture(b).Lexicon("fi"), finnishReview}}
	texts := map[string]string{"fi": finnishReview, "en": englishReview}
	if set, err := Default(); err == nil {
		for _, lang := range []string{"en", "fi"} {
			if l := set.Lexicon(lang); l != nil && len(l.Entries) > 0 {
				out = append(out, benchCase{"default-" + lang, l, texts[lang]})
			}
		}
	}
	return out
}

func BenchmarkMatch(b *testing.B) {
	for _, bc := range benchCases(b) {
		base := toks(bc.text)
		for _, n := range []int{60, 600} {
			words := make([]string, 0, n)
			for len(words) < n {
				words = append(words, base[:min(len(base), n-len(words))]...)
			}
			b.Run(fmt.Sprintf("%s/%dtokens", bc.name, n), func(b *testing.B) {
				matches := 0
				fn := func(Match) { matches++ }
				b.ReportAllocs()
				for b.Loop() {
					bc.lex.Match(words, fn)
				}
				if matches == 0 {
					b.Fatal("no matches")
				}
			})
		}
	}
}

// BenchmarkLoadDefault measures loading and compiling the embedded
// lexicons, what a process pays once at start.
func BenchmarkLoadDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := load(embedded, loadOptions{skipDir: "testdata", allowEmpty: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFold(b *testing.B) {
	for _, tc := range []struct{ name, s string }{
		{"ascii-folded", "customer"},
		{"ascii-upper", "Customer"},
		{"finnish-folded", "kävelyretkellä"},
		{"polish-upper", "ZAŻENOWANA"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = Fold(tc.s)
			}
		})
	}
}

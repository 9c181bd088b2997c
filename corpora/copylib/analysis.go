package copylib

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/fi"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/unicode/norm"
)

// Analysis: every language has its own field (text_en, text_fi, text_lv,
// text_pl) analysed by its own chain, so a Finnish stemmer never mangles
// Polish and Finnish stop words never drop Latvian words.
//
//	en: bleve's English analyzer (possessives, stop words, Porter/Snowball stems)
//	fi: bleve's Finnish analyzer (stop words, Snowball stems)
//	pl: lowercase → Polish stop words → light Polish suffix stripping → folding
//	lv: lowercase → Latvian stop words → light Latvian suffix stripping → folding
//
// bleve's own Polish analyzer (the Stempel stemmer) needs the module
// github.com/blevesearch/stempel, which is not among this module's
// dependencies, so Polish uses the light chain below. Folding (ā→a, ż→z, ł→l)
// makes a query typed without diacritics, common in chat, find the copy, and
// joins stem alternations such as rozwój/rozwoju.
//
// Because suffix stripping and snowball stems do not always meet (Finnish
// oppimista → "oppim", oppiminen → "oppimin"), queries also match stems as
// prefixes (queryTerms); see search.go.

// Analyzer names in bleve's registry.
const (
	analyzerEN = en.AnalyzerName
	analyzerFI = fi.AnalyzerName
	analyzerPL = "mindprint_pl"
	analyzerLV = "mindprint_lv"
)

// languageAnalyzers is the visible map from language to analyzer name.
var languageAnalyzers = map[string]string{
	"en": analyzerEN,
	"fi": analyzerFI,
	"pl": analyzerPL,
	"lv": analyzerLV,
}

// textField returns the index field holding text in lang.
func textField(lang string) string { return "text_" + lang }

var registerOnce sync.Once
var registerErr error

// registerAnalyzers adds the Polish and Latvian analyzers to bleve's global
// registry. bleve looks analyzers up by name when it opens an index, so this
// runs before any index is created or opened. It is idempotent.
func registerAnalyzers() error {
	registerOnce.Do(func() {
		for name, chain := range map[string]func() analysis.TokenFilter{
			analyzerPL: func() analysis.TokenFilter { return &lightFilter{stop: polishStop, suffixes: polishSuffixes} },
			analyzerLV: func() analysis.TokenFilter { return &lightFilter{stop: latvianStop, suffixes: latvianSuffixes} },
		} {
			chain := chain
			err := registry.RegisterAnalyzer(name, func(_ map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
				tok, err := cache.TokenizerNamed(unicodetok.Name)
				if err != nil {
					return nil, err
				}
				lower, err := cache.TokenFilterNamed(lowercase.Name)
				if err != nil {
					return nil, err
				}
				return &analysis.DefaultAnalyzer{Tokenizer: tok, TokenFilters: []analysis.TokenFilter{lower, chain()}}, nil
			})
			if err != nil {
				registerErr = fmt.Errorf("copylib: register analyzer %s: %w", name, err)
				return
			}
		}
	})
	return registerErr
}

// analyzers holds one built analyzer per language for query analysis.
type analyzers map[string]analysis.Analyzer

func newAnalyzers() (analyzers, error) {
	if err := registerAnalyzers(); err != nil {
		return nil, err
	}
	cache := registry.NewCache()
	out := analyzers{}
	for lang, name := range languageAnalyzers {
		a, err := cache.AnalyzerNamed(name)
		if err != nil {
			return nil, fmt.Errorf("copylib: analyzer %s for %s: %w", name, lang, err)
		}
		out[lang] = a
	}
	return out, nil
}

// terms returns the analysed terms of text in lang, deduplicated, in order.
func (as analyzers) terms(lang, text string) []string {
	a := as[lang]
	if a == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, t := range a.Analyze([]byte(text)) {
		s := string(t.Term)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// lightFilter drops stop words, strips the longest inflectional suffix that
// leaves a stem of at least minStem letters, then folds diacritics. It keeps
// each token's byte offsets, so highlights still point into the original text.
type lightFilter struct {
	stop     map[string]bool
	suffixes []string // longest first
}

const minStem = 3

// Filter implements analysis.TokenFilter.
func (f *lightFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := in[:0]
	for _, t := range in {
		term := string(t.Term)
		if f.stop[term] {
			continue
		}
		t.Term = []byte(fold(stripSuffix(term, f.suffixes)))
		out = append(out, t)
	}
	return out
}

// stripSuffix removes the first (longest) suffix of the list that leaves at
// least minStem letters.
func stripSuffix(word string, suffixes []string) string {
	n := utf8.RuneCountInString(word)
	for _, s := range suffixes {
		if strings.HasSuffix(word, s) && n-utf8.RuneCountInString(s) >= minStem {
			return word[:len(word)-len(s)]
		}
	}
	return word
}

// fold removes diacritics: NFD, drop combining marks, and map the letters
// that have no decomposition (ł, đ, ø).
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'ł':
			r = 'l'
		case r == 'Ł':
			r = 'L'
		case r == 'đ':
			r = 'd'
		case r == 'ø':
			r = 'o'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// polishSuffixes are Polish inflectional endings (noun and adjective cases,
// verb persons, infinitives, past forms, participles), longest first. Written
// from Polish grammar; a light stemmer, not a lemmatiser.
var polishSuffixes = byLength([]string{
	"owaliśmy", "owałyśmy", "aliśmy", "iliśmy", "yliśmy",
	"ościami", "ościach", "ującego", "ującej", "ującym", "ujących",
	"ością", "ości", "ość",
	"owego", "owemu", "owych", "owymi", "owej", "owym",
	"ować", "ował", "owała", "owało", "owali", "ujemy", "ujesz", "ujecie", "ując", "ują", "uje", "uję",
	"ając", "ajmy", "ajcie", "amy", "acie", "ają", "asz", "ać", "ała", "ało", "ali", "ał",
	"ąca", "ące", "ący", "ącego", "ącej", "ącym", "ących",
	"eć", "ić", "yć", "imy", "icie", "isz", "ymy", "ycie", "ysz", "esz", "emy", "ecie",
	"ego", "emu", "ymi", "imi", "ych", "ich", "ach", "ami", "iem", "iom",
	"owa", "owe", "owy", "om", "ów", "ie", "ej", "ym", "im", "em", "aj", "ij",
	"ą", "ę", "a", "e", "i", "o", "u", "y",
})

// latvianSuffixes are Latvian inflectional endings (declensions, conjugations,
// reflexive -ties/-ies, verbal nouns in -šana, definite adjectives), longest
// first. Infinitives lose only -t/-ties and keep their theme vowel, so
// mācīties, mācīšanās and mācības all start with "maci".
var latvianSuffixes = byLength([]string{
	"šanās", "šanai", "šanas", "šanu", "šanā", "šana",
	"ties",
	"ajiem", "ajām", "ajās", "ajai", "ajam", "ajos", "ajā", "ais", "ajo",
	"iem", "ies", "ām", "ēm", "īm", "ūm", "ās", "ēs", "os", "as", "es", "is", "us",
	"ai", "ei", "ie", "am", "ij",
	"ā", "ē", "ī", "ū", "a", "e", "i", "u", "o", "s", "š", "t",
})

// polishStop are frequent Polish function words.
var polishStop = set("a", "aby", "ale", "bo", "by", "być", "co", "czy", "dla", "do", "gdy", "i", "ich", "ja",
	"jak", "jako", "je", "jego", "jej", "jest", "już", "ku", "lub", "ma", "mi", "mnie", "na", "nad", "nam", "nas",
	"nie", "o", "od", "oraz", "po", "pod", "przez", "przy", "są", "się", "ta", "tak", "tam", "te", "tego", "tej",
	"ten", "to", "tu", "ty", "tym", "u", "w", "we", "z", "za", "ze", "że")

// latvianStop are frequent Latvian function words.
var latvianStop = set("ar", "arī", "bet", "bez", "bija", "būs", "es", "ir", "jau", "jūs", "ka", "kā", "kas",
	"ko", "lai", "līdz", "mēs", "ne", "nav", "no", "pa", "par", "pēc", "pie", "sava", "savu", "šo", "šī", "tā",
	"tas", "to", "tu", "un", "uz", "vai", "vēl")

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// byLength sorts suffixes longest first (in letters), so the longest match wins.
func byLength(s []string) []string {
	out := append([]string(nil), s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && utf8.RuneCountInString(out[j]) > utf8.RuneCountInString(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

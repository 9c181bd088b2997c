// Package norms holds the reference statistics behind percentiles: the
// embedded norms file (norms.json, with its provenance) and the builder that
// regenerates it from any folder of texts (`mindprint norms build`).
//
// A norm describes a dimension's Rate (net evidence per 100 words, see
// classifier.Rate) over windows of reference text in one language, at
// several window sizes (WindowSizes). Texts are concatenated in order and cut
// into consecutive windows of each size, so short sentences and tweets are
// measured at the same scales as reviews and essays.
package norms

import (
	_ "embed"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/mindprint/mindprint/classifier"
)

//go:embed norms.json
var embedded []byte

var loadDefault = sync.OnceValues(func() (*classifier.Norms, error) {
	return classifier.ParseNorms("corpora/norms/norms.json", embedded)
})

// Default returns the embedded norms, parsed once.
func Default() (*classifier.Norms, error) { return loadDefault() }

// WindowSizes are the window sizes, in words, that norms are built at: a
// short review, a long review, a page, an essay.
var WindowSizes = []int{20, 50, 100, 200}

// MinWindows is the fewest windows of a size worth summarising; sizes with
// fewer are left out (a small corpus may only support the short ones).
const MinWindows = 30

// Builder accumulates one language's windows. It is not safe for concurrent
// use.
type Builder struct {
	an    *classifier.Analyzer
	lang  string
	sizes []*window
	words int
}

// window is the running state of one window size.
type window struct {
	size  int
	buf   strings.Builder
	words int
	rates map[string][]float64
	count int
}

// NewBuilder starts norms for lang (which needs a lexicon) at the given
// window sizes (WindowSizes when none are given).
func NewBuilder(an *classifier.Analyzer, lang string, sizes ...int) (*Builder, error) {
	if an.Lexicons().Lexicon(lang) == nil {
		return nil, fmt.Errorf("norms: no lexicon for language %q", lang)
	}
	if len(sizes) == 0 {
		sizes = WindowSizes
	}
	sorted := append([]int(nil), sizes...)
	sort.Ints(sorted)
	b := &Builder{an: an, lang: lang}
	for i, s := range sorted {
		if s <= 0 || (i > 0 && s == sorted[i-1]) {
			return nil, fmt.Errorf("norms: window sizes must be positive and distinct, got %v", sizes)
		}
		b.sizes = append(b.sizes, &window{size: s, rates: map[string][]float64{}})
	}
	return b, nil
}

// Add appends one text (a sentence, a tweet, a document) to the current
// windows, measuring every window it completes.
func (b *Builder) Add(text string) error {
	for _, w := range strings.Fields(text) {
		b.words++
		for _, win := range b.sizes {
			if win.buf.Len() > 0 {
				win.buf.WriteByte(' ')
			}
			win.buf.WriteString(w)
			if win.words++; win.words >= win.size {
				if err := b.flush(win); err != nil {
					return err
				}
			}
		}
	}
	// A text boundary is a sentence boundary: keep negation from reaching
	// across texts joined into one window.
	for _, win := range b.sizes {
		if win.buf.Len() > 0 {
			win.buf.WriteString(" .")
		}
	}
	return nil
}

func (b *Builder) flush(win *window) error {
	m, err := b.an.Measure(win.buf.String(), b.lang)
	win.buf.Reset()
	win.words = 0
	if err != nil {
		return err
	}
	if m.Words == 0 {
		return nil
	}
	win.count++
	for _, dim := range dims() {
		win.rates[dim] = append(win.rates[dim], m.Rate(dim))
	}
	return nil
}

func dims() []string {
	out := make([]string, 0, len(classifier.AllTraits)+1)
	for _, t := range classifier.AllTraits {
		out = append(out, string(t))
	}
	return append(out, "mindset")
}

// Result returns the language's norms. Each size's last, partial window is
// dropped: it would be measured at a different scale. Sizes with fewer than
// MinWindows windows are left out; it fails when none is left.
func (b *Builder) Result(corpus string) (classifier.LangNorms, error) {
	ln := classifier.LangNorms{Corpus: corpus, Words: b.words}
	for _, win := range b.sizes {
		if win.count < MinWindows {
			continue
		}
		wn := classifier.WindowNorms{Words: win.size, Count: win.count, Stats: map[string]classifier.Stat{}}
		for _, dim := range dims() {
			wn.Stats[dim] = summarise(win.rates[dim])
		}
		ln.Windows = append(ln.Windows, wn)
	}
	if len(ln.Windows) == 0 {
		return ln, fmt.Errorf("norms: %s: %d words make fewer than %d windows of %d words", b.lang, b.words, MinWindows, b.sizes[0].size)
	}
	return ln, nil
}

// summarise computes mean, standard deviation and 5%-quantiles (nearest
// rank) of rates.
func summarise(rates []float64) classifier.Stat {
	sorted := append([]float64(nil), rates...)
	sort.Float64s(sorted)
	n := float64(len(sorted))
	var sum, sumSq float64
	for _, r := range sorted {
		sum += r
		sumSq += r * r
	}
	mean := sum / n
	st := classifier.Stat{Mean: round4(mean), SD: round4(math.Sqrt(math.Max(sumSq/n-mean*mean, 0)))}
	for i := range classifier.QuantileCount {
		idx := int(math.Round(float64(i) / float64(classifier.QuantileCount-1) * (n - 1)))
		st.Quantiles = append(st.Quantiles, round4(sorted[idx]))
	}
	return st
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

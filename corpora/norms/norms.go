// Package norms holds the reference statistics behind percentiles: the
// embedded norms file (norms.json, with its provenance) and the builder that
// regenerates it from any folder of texts (`mindprint norms build`).
//
// A norm is the mean and standard deviation of a dimension's Rate (net
// evidence per 100 words, see classifier.Rate) over windows of a fixed number
// of words of reference text in one language. Texts are concatenated in
// order until a window holds WindowWords words, so short sentences and
// tweets are measured at the same scale as a review.
package norms

import (
	_ "embed"
	"fmt"
	"math"
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

// DefaultWindow is the window size the shipped norms use, in words.
const DefaultWindow = 100

// Builder accumulates one language's windows. It is not safe for concurrent
// use.
type Builder struct {
	an     *classifier.Analyzer
	lang   string
	window int

	buf   strings.Builder
	words int // approximate words in buf (whitespace-separated)

	windows, total int
	sum, sumSq     map[string]float64
}

// NewBuilder starts norms for lang (which needs a lexicon) over windows of
// window words.
func NewBuilder(an *classifier.Analyzer, lang string, window int) (*Builder, error) {
	if window <= 0 {
		return nil, fmt.Errorf("norms: window must be positive, got %d", window)
	}
	if an.Lexicons().Lexicon(lang) == nil {
		return nil, fmt.Errorf("norms: no lexicon for language %q", lang)
	}
	return &Builder{an: an, lang: lang, window: window, sum: map[string]float64{}, sumSq: map[string]float64{}}, nil
}

// Add appends one text (a sentence, a tweet, a document) to the current
// window, measuring every window it completes.
func (b *Builder) Add(text string) error {
	for _, w := range strings.Fields(text) {
		if b.buf.Len() > 0 {
			b.buf.WriteByte(' ')
		}
		b.buf.WriteString(w)
		b.words++
		if b.words >= b.window {
			if err := b.flush(); err != nil {
				return err
			}
		}
	}
	// A text boundary is a sentence boundary: keep negation from reaching
	// across texts joined into one window.
	if b.buf.Len() > 0 {
		b.buf.WriteString(" .")
	}
	return nil
}

func (b *Builder) flush() error {
	m, err := b.an.Measure(b.buf.String(), b.lang)
	b.buf.Reset()
	b.words = 0
	if err != nil {
		return err
	}
	if m.Words == 0 {
		return nil
	}
	b.windows++
	b.total += m.Words
	for _, dim := range dims() {
		r := m.Rate(dim)
		b.sum[dim] += r
		b.sumSq[dim] += r * r
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

// Result returns the language's norms. The last, partial window is dropped:
// it would be measured at a different scale. It fails with fewer than 30
// windows, too few for a spread worth reporting.
func (b *Builder) Result(corpus string) (classifier.LangNorms, error) {
	if b.windows < 30 {
		return classifier.LangNorms{}, fmt.Errorf("norms: %s: only %d windows of %d words; need at least 30", b.lang, b.windows, b.window)
	}
	ln := classifier.LangNorms{Corpus: corpus, Windows: b.windows, Words: b.total, Stats: map[string]classifier.Stat{}}
	n := float64(b.windows)
	for _, dim := range dims() {
		mean := b.sum[dim] / n
		variance := b.sumSq[dim]/n - mean*mean
		sd := round4(math.Sqrt(math.Max(variance, 0)))
		if sd == 0 {
			sd = 1e-4 // no spread at all: any difference is extreme, and ParseNorms needs sd > 0
		}
		ln.Stats[dim] = classifier.Stat{Mean: round4(mean), SD: sd}
	}
	return ln, nil
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

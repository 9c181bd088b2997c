package classifier

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
)

// Norms are per-language reference statistics of each dimension's Rate (net
// evidence per 100 words) over windows of reference text, at several window
// sizes: a 15-word review is compared with 20-word windows, an essay with
// 200-word ones, because a rate over few words is far more spread out than a
// rate over many. For each size and dimension they hold the mean, the
// standard deviation and the 5%-quantiles of the rate; percentiles come from
// the quantiles (the rates of short windows are mostly zero, far from normal).
//
// Norms are rough by nature (reference genres differ from reviews and
// chats), so every language records its corpus and counts: a user can
// rebuild them from their own texts with `mindprint norms build`.
type Norms struct {
	ID             string               `json:"id"`
	Version        string               `json:"version"`
	License        string               `json:"license"`
	Source         string               `json:"source"`
	LexiconVersion string               `json:"lexicon_version"`
	Languages      map[string]LangNorms `json:"languages"`
}

// LangNorms holds one language's statistics and their provenance.
type LangNorms struct {
	// Corpus names the reference texts, their licence and selection.
	Corpus string `json:"corpus"`
	// Words is how many words of reference text were read.
	Words int `json:"words"`
	// Windows holds the statistics per window size, smallest first.
	Windows []WindowNorms `json:"windows"`
}

// WindowNorms are the statistics of one window size.
type WindowNorms struct {
	// Words is the window size in words.
	Words int `json:"words"`
	// Count is how many windows were measured.
	Count int `json:"count"`
	// Stats maps a trait name or "mindset" to the rate's distribution.
	Stats map[string]Stat `json:"stats"`
}

// Stat is a distribution summary of Rate over windows.
type Stat struct {
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
	// Quantiles are the 0%, 5%, ..., 100% quantiles (21 values, ascending).
	Quantiles []float64 `json:"quantiles"`
}

// QuantileCount is the number of quantiles a Stat holds.
const QuantileCount = 21

// ParseNorms decodes and validates a norms file; name is used in errors. A
// file that is not one JSON object of the right types gets an error naming
// the line ("norms.json:12: ..."), or the field for an unknown field; a
// well-formed file with wrong values gets one listing every problem by its
// JSON path.
func ParseNorms(name string, data []byte) (*Norms, error) {
	var n Norms
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&n); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, fmt.Errorf("%s:%d: %w", name, lineAt(data, se.Offset), err)
		case errors.As(err, &te):
			return nil, fmt.Errorf("%s:%d: %w", name, lineAt(data, te.Offset), err)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, fmt.Errorf("%s:%d: the file ends in the middle of the JSON object", name, lineAt(data, int64(len(data))))
		}
		// An unknown field: the message names it, the decoder no place.
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s:%d: unexpected data after the JSON object", name, lineAt(data, dec.InputOffset()))
	}
	var problems []string
	for _, k := range []struct{ key, val string }{{"id", n.ID}, {"version", n.Version}, {"license", n.License}, {"source", n.Source}} {
		if k.val == "" {
			problems = append(problems, fmt.Sprintf("missing %q", k.key))
		}
	}
	langs := make([]string, 0, len(n.Languages))
	for l := range n.Languages {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		ln := n.Languages[l]
		if ln.Corpus == "" || len(ln.Windows) == 0 {
			problems = append(problems, fmt.Sprintf("languages.%s: corpus and at least one window size are required", l))
		}
		for i, w := range ln.Windows {
			where := fmt.Sprintf("languages.%s.windows[%d]", l, i)
			if w.Words <= 0 || w.Count <= 0 || (i > 0 && w.Words <= ln.Windows[i-1].Words) {
				problems = append(problems, where+": words and count must be positive, sizes ascending")
			}
			for _, dim := range append(traitNames(), "mindset") {
				st, ok := w.Stats[dim]
				if !ok {
					problems = append(problems, fmt.Sprintf("%s.stats: missing %q", where, dim))
					continue
				}
				if msg := st.check(); msg != "" {
					problems = append(problems, fmt.Sprintf("%s.stats.%s: %s", where, dim, msg))
				}
			}
			for dim := range w.Stats {
				if dim != "mindset" && (&Traits{}).Get(Trait(dim)) == nil {
					problems = append(problems, fmt.Sprintf("%s.stats: unknown dimension %q", where, dim))
				}
			}
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s: %s", name, strings.Join(problems, "; "))
	}
	return &n, nil
}

// lineAt returns the 1-based line of byte offset off in data.
func lineAt(data []byte, off int64) int {
	off = max(0, min(off, int64(len(data))))
	return 1 + bytes.Count(data[:off], []byte{'\n'})
}

// check reports what is wrong with a Stat, or "".
func (st Stat) check() string {
	if !finite(st.Mean) || !finite(st.SD) || st.SD < 0 {
		return "mean and sd must be finite, sd not negative"
	}
	if len(st.Quantiles) != QuantileCount {
		return fmt.Sprintf("want %d quantiles, have %d", QuantileCount, len(st.Quantiles))
	}
	for i, q := range st.Quantiles {
		if !finite(q) || (i > 0 && q < st.Quantiles[i-1]) {
			return "quantiles must be finite and ascending"
		}
	}
	return ""
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func traitNames() []string {
	out := make([]string, len(AllTraits))
	for i, t := range AllTraits {
		out[i] = string(t)
	}
	return out
}

// Has reports whether n has statistics for lang. A nil *Norms has none.
func (n *Norms) Has(lang string) bool {
	if n == nil {
		return false
	}
	_, ok := n.Languages[lang]
	return ok
}

// Percentile returns where rate, measured over words words, falls among the
// reference windows of lang, 1..99, or nil when there are no norms for lang
// or dim. It compares with the window size nearest to words (on a log
// scale), reads the rank off the quantiles (mid-rank when the rate equals a
// run of quantiles, as zero rates usually do, linear between quantiles
// otherwise), and clamps to 1..99: a sample of reference windows never
// justifies "higher than every text there is".
func (n *Norms) Percentile(lang, dim string, rate float64, words int) *int {
	if n == nil || words <= 0 {
		return nil
	}
	w := n.Languages[lang].nearest(words)
	if w == nil {
		return nil
	}
	st, ok := w.Stats[dim]
	if !ok || len(st.Quantiles) != QuantileCount {
		return nil
	}
	p := int(math.Round(quantileRank(st.Quantiles, rate)))
	p = max(1, min(99, p))
	return &p
}

// nearest returns the window size closest to words on a log scale.
func (ln LangNorms) nearest(words int) *WindowNorms {
	var best *WindowNorms
	bestDist := math.Inf(1)
	for i := range ln.Windows {
		d := math.Abs(math.Log(float64(ln.Windows[i].Words)) - math.Log(float64(words)))
		if d < bestDist {
			best, bestDist = &ln.Windows[i], d
		}
	}
	return best
}

// quantileRank is the percentile (0..100) of x among values summarised by
// the 5%-quantiles q.
func quantileRank(q []float64, x float64) float64 {
	step := 100 / float64(len(q)-1)
	first, last := -1, -1
	for i, v := range q {
		if v == x {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	switch {
	case first >= 0:
		return float64(first+last) / 2 * step
	case x < q[0]:
		return 0
	case x > q[len(q)-1]:
		return 100
	}
	for i := 0; i+1 < len(q); i++ {
		if q[i] < x && x < q[i+1] {
			return (float64(i) + (x-q[i])/(q[i+1]-q[i])) * step
		}
	}
	return 50
}

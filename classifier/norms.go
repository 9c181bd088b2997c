package classifier

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Norms are per-language reference statistics: the mean and standard
// deviation of each dimension's Rate over windows of WindowWords words of
// reference text. A text's percentile is where its rate falls on a normal
// curve with that mean and spread, so it answers "how much more open than
// usual for text in this language does this read?".
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
	WindowWords    int                  `json:"window_words"`
	Languages      map[string]LangNorms `json:"languages"`
}

// LangNorms holds one language's statistics and their provenance.
type LangNorms struct {
	// Corpus names the reference texts, their licence and selection.
	Corpus string `json:"corpus"`
	// Windows is how many windows of WindowWords words were measured.
	Windows int `json:"windows"`
	// Words is how many words those windows held.
	Words int `json:"words"`
	// Stats maps a trait name or "mindset" to the rate's distribution.
	Stats map[string]Stat `json:"stats"`
}

// Stat is a distribution summary of Rate.
type Stat struct {
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
}

// ParseNorms decodes and validates a norms file; name is used in errors.
func ParseNorms(name string, data []byte) (*Norms, error) {
	var n Norms
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&n); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var problems []string
	for _, k := range []struct{ key, val string }{{"id", n.ID}, {"version", n.Version}, {"license", n.License}, {"source", n.Source}} {
		if k.val == "" {
			problems = append(problems, fmt.Sprintf("missing %q", k.key))
		}
	}
	if n.WindowWords <= 0 {
		problems = append(problems, "window_words must be positive")
	}
	langs := make([]string, 0, len(n.Languages))
	for l := range n.Languages {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		ln := n.Languages[l]
		if ln.Corpus == "" || ln.Windows <= 0 {
			problems = append(problems, fmt.Sprintf("languages.%s: corpus and a positive windows count are required", l))
		}
		for _, dim := range append(traitNames(), "mindset") {
			st, ok := ln.Stats[dim]
			switch {
			case !ok:
				problems = append(problems, fmt.Sprintf("languages.%s.stats: missing %q", l, dim))
			case math.IsNaN(st.Mean) || math.IsInf(st.Mean, 0) || !(st.SD > 0) || math.IsInf(st.SD, 0):
				problems = append(problems, fmt.Sprintf("languages.%s.stats.%s: mean must be finite and sd positive", l, dim))
			}
		}
		for dim := range ln.Stats {
			if dim != "mindset" && (&Traits{}).Get(Trait(dim)) == nil {
				problems = append(problems, fmt.Sprintf("languages.%s.stats: unknown dimension %q", l, dim))
			}
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s: %s", name, strings.Join(problems, "; "))
	}
	return &n, nil
}

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
// or dim.
//
// A rate over fewer words than the norms' window is noisier than the rates
// the norms summarise (its variance grows as the sample shrinks), so the
// spread is widened by sqrt(window/words) for such texts: two strong words in
// a ten-word review are notable, not off the scale. The result is clamped to
// 1..99 because a normal model never justifies "higher than every reference
// text".
func (n *Norms) Percentile(lang, dim string, rate float64, words int) *int {
	if n == nil || words <= 0 {
		return nil
	}
	st, ok := n.Languages[lang].Stats[dim]
	if !ok || !(st.SD > 0) {
		return nil
	}
	sd := st.SD
	if words < n.WindowWords {
		sd *= math.Sqrt(float64(n.WindowWords) / float64(words))
	}
	z := (rate - st.Mean) / sd
	p := int(math.Round(50 * (1 + math.Erf(z/math.Sqrt2))))
	p = max(1, min(99, p))
	return &p
}

package classifier

import (
	"fmt"

	"github.com/mindprint/mindprint/lexicons"
)

// Measurement is the raw material behind a result, for evaluation and norms:
// what eval fits weights on and what norms summarise. It is not part of the
// API contract.
type Measurement struct {
	// Words is the number of word tokens.
	Words int
	// Pos and Neg are the evidence masses per dimension (a trait name or
	// "mindset"): high/growth and low/fixed, as the scorer summed them.
	Pos, Neg map[string]float64
	// Terms counts, per "category:pole:term" (pole after negation), how often
	// each lexicon term fired, scaled by modifiers but not damped by repetition.
	Terms map[string]float64
}

// Rate returns dim's Rate (net evidence per 100 words).
func (m *Measurement) Rate(dim string) float64 { return Rate(m.Pos[dim], m.Neg[dim], m.Words) }

// Measure tokenizes and matches text as language lang (which must have a
// lexicon) and returns the sums behind the scores.
func (a *Analyzer) Measure(text, lang string) (*Measurement, error) {
	lex := a.lex.Lexicon(lang)
	if lex == nil {
		return nil, &Error{Code: CodeInvalidLanguage, Field: "lang", Message: fmt.Sprintf("no lexicon for %q", lang)}
	}
	toks := a.tok.Tokenize(text, lang)
	words := make([]string, len(toks))
	m := &Measurement{Pos: map[string]float64{}, Neg: map[string]float64{}, Terms: map[string]float64{}}
	for i, t := range toks {
		if t.Kind == KindWord {
			words[i] = t.Norm
			m.Words++
		}
	}
	s := scorer{text: text, lex: lex, toks: toks, words: words, terms: m.Terms, tok: a.tok}
	s.run()
	for cat, t := range s.dims {
		m.Pos[string(cat)] = t.pos
		m.Neg[string(cat)] = t.neg
	}
	return m, nil
}

// termKey is the Measurement.Terms key of a term counted toward pole.
func termKey(cat lexicons.Category, pole lexicons.Pole, term string) string {
	return string(cat) + ":" + string(pole) + ":" + term
}

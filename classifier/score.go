package classifier

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mindprint/mindprint/lexicons"
)

// Scoring constants. doc.go explains each; they are part of the contract's
// documented ranges, so change them only with a lexicon_version-like care.
const (
	// ShortTextWords: below this many words a result is flagged short_text.
	ShortTextWords = 15
	// LowCoverageRatio: below this share of matched words (in texts of at
	// least ShortTextWords words) a result is flagged low_coverage.
	LowCoverageRatio = 0.02
	// MaxEvidence caps the evidence listed per trait or mindset; every match
	// still counts toward the score, and EvidenceCount says how many there were.
	MaxEvidence = 64

	scoreSmoothing    = 1.0  // k in (H-L)/(H+L+k): a single match cannot reach ±1
	evidenceScale     = 3.0  // evidence mass at which confidence's evidence term is 1-1/e
	wordScale         = 20.0 // words at which confidence's length term is 1/2
	negationDamping   = 0.5  // a negated trait match counts half, toward the opposite pole
	mindsetNegation   = 1.0  // a negated mindset match counts fully: "can't change" is the fixed belief itself
	modifierReach     = 2    // words an intensifier reaches forward
	mindsetMinimum    = 0.5  // below this evidence mass the mindset is unknown
	mixedShare        = 1.0 / 3
	repetitiveRatio   = 0.3  // distinct words / words below this is repetitive
	repetitiveTopWord = 0.5  // one word being more than this share is repetitive
	repetitiveMinimum = 10   // texts shorter than this are never repetitive
	repetitivePenalty = 0.25 // confidence multiplier for a repetitive text
)

// The lexicon vocabulary the scorer relies on.
const (
	poleHigh        lexicons.Pole     = "high"
	poleGrowth      lexicons.Pole     = "growth"
	categoryMindset lexicons.Category = "mindset"
)

// Analyze scores one text. Errors are *Error values naming the input field at
// fault; everything else about the text (language, length, coverage) is
// reported in the result's language and flags, never as an error.
func (a *Analyzer) Analyze(in Input) (*Result, error) {
	if err := a.validate(in); err != nil {
		return nil, err
	}
	res := &Result{ID: in.ID, Flags: []string{}, LexiconVersion: a.lex.Version()}
	text := in.Text
	if len(text) > MaxAnalyzedBytes {
		cut := MaxAnalyzedBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
		res.Flags = append(res.Flags, FlagTruncated)
	}
	if in.Lang != "" {
		res.Language = LanguageResult{Code: in.Lang, Confidence: 1, Source: "hint"}
	} else {
		res.Language = a.detector.Detect(text)
		res.Language.Confidence = round(res.Language.Confidence, 3)
	}
	toks := a.tok.Tokenize(text, res.Language.Code)
	words := make([]string, len(toks))
	for i, t := range toks {
		if t.Kind == KindWord {
			words[i] = t.Norm
			res.Words++
		}
	}
	emptyScores(res)

	lex := a.lex.Lexicon(res.Language.Code)
	switch {
	case res.Language.Code == "und":
		res.Flags = append(res.Flags, FlagUndeterminedLanguage)
	case lex == nil:
		res.Flags = append(res.Flags, FlagUnsupportedLanguage)
	default:
		s := scorer{text: text, lex: lex, toks: toks, words: words, tok: a.tok}
		s.run()
		s.fill(res, a.norms)
	}
	if res.Words < ShortTextWords {
		res.Flags = append(res.Flags, FlagShortText)
	}
	return res, nil
}

// emptyScores gives every trait and the mindset their no-evidence values, so
// an unscored result still has the contract's shape (evidence [] not null).
func emptyScores(res *Result) {
	for _, t := range AllTraits {
		*res.Traits.Get(t) = TraitScore{Evidence: []Evidence{}}
	}
	res.Mindset = MindsetScore{Label: MindsetUnknown, Evidence: []Evidence{}}
}

// tally accumulates one dimension's evidence.
type tally struct {
	pos, neg float64 // high/growth and low/fixed evidence mass
	count    int
	evidence []Evidence
}

// scorer runs the matcher over one tokenized text.
type scorer struct {
	tok   *Tokenizer
	text  string
	lex   *lexicons.Lexicon
	toks  []Token
	words []string

	negated []bool    // token i is in a negation's scope
	factor  []float64 // intensifier factor reaching token i (1 when none)
	seen    map[string]int
	terms   map[string]float64 // when non-nil, per-term counts for Measure
	dims    map[lexicons.Category]*tally
	matched int // words inside matches
	distinct,
	topCount int
}

// run matches, marks negation scopes and modifiers, then tallies. Matching
// comes first so that a negator inside a matched phrase ("can't wait",
// "never give up") is part of that phrase's meaning and opens no scope of
// its own.
func (s *scorer) run() {
	s.negated = make([]bool, len(s.toks))
	s.factor = make([]float64, len(s.toks))
	s.seen = make(map[string]int)
	s.dims = make(map[lexicons.Category]*tally, 6)
	var matches []lexicons.Match
	inPhrase := make([]bool, len(s.toks))
	// Each paragraph is matched on its own, so that no phrase runs across a
	// blank line (free-text quiz answers are joined by one).
	for start, i := 0, 1; i <= len(s.toks); i++ {
		if i < len(s.toks) && !s.paragraphBreak(i) {
			continue
		}
		off := start
		s.lex.Match(s.words[start:i], func(m lexicons.Match) {
			m.Start, m.End = m.Start+off, m.End+off
			matches = append(matches, m)
			if m.End-m.Start > 1 {
				for k := m.Start; k < m.End; k++ {
					inPhrase[k] = true
				}
			}
		})
		start = i
	}
	s.markModifiers(inPhrase)
	for _, m := range matches {
		s.add(m)
	}
	s.countRepetition()
}

// markModifiers walks the tokens once, opening a negation scope at each
// negator outside a matched phrase and recording intensifier factors. A
// negation reaches NegationWindow words and an intensifier two; both end at
// a scope breaker ("but"), at clause punctuation (, ; : dashes brackets ! ?
// …), at a blank line and at the end of a sentence. A "." ends a scope only
// where prose's sentence segmenter puts a sentence end, so "Mr." or "e.g."
// inside a scope does not cut it short; the segmenter runs only for texts
// that have such a dot inside an open scope.
func (s *scorer) markModifiers(inPhrase []bool) {
	mod := &s.lex.Modifiers
	for i := range s.factor {
		s.factor[i] = 1
	}
	negLeft, modLeft := 0, 0
	modFactor := 1.0
	segmented := false
	for i, t := range s.toks {
		if i > 0 && s.paragraphBreak(i) {
			negLeft, modLeft = 0, 0
		}
		if t.Kind == KindPunct {
			switch {
			case t.Text == ".":
				if (negLeft > 0 || modLeft > 0) && s.endsSentence(i, &segmented) {
					negLeft, modLeft = 0, 0
				}
			case isClausePunct(t.Text):
				negLeft, modLeft = 0, 0
			}
			continue
		}
		if t.Kind != KindWord {
			continue
		}
		w := t.Norm
		if mod.Negators[w] && !inPhrase[i] {
			negLeft = mod.NegationWindow
			continue
		}
		if mod.ScopeBreakers[w] {
			negLeft, modLeft = 0, 0
			continue
		}
		if f, ok := mod.Intensifiers[w]; ok {
			modFactor, modLeft = f, modifierReach
			continue
		}
		if negLeft > 0 {
			s.negated[i] = true
			negLeft--
		}
		if modLeft > 0 {
			s.factor[i] = modFactor
			modLeft--
		}
	}
}

// endsSentence reports whether the full stop at token i ends a sentence.
// The plain case — after a word of four letters or more, before the end of
// the text or a capitalised word — is decided here; anything else (an
// abbreviation such as "Mr." or "e.g.", a lowercase continuation) is left to
// prose's segmenter, run once per text on first need.
func (s *scorer) endsSentence(i int, segmented *bool) bool {
	if i+1 >= len(s.toks) {
		return true
	}
	next := s.toks[i+1]
	if i > 0 {
		prev := s.toks[i-1]
		r, _ := utf8.DecodeRuneInString(next.Text)
		if prev.Kind == KindWord && prev.End == s.toks[i].Start && utf8.RuneCountInString(prev.Text) >= 4 &&
			next.Kind == KindWord && unicode.IsUpper(r) {
			return true
		}
	}
	if !*segmented {
		s.tok.AssignSentences(s.text, s.toks)
		*segmented = true
	}
	return s.toks[i+1].Sentence != s.toks[i].Sentence
}

// paragraphBreak reports whether a blank line (two line breaks, or U+2029
// PARAGRAPH SEPARATOR) stands between token i-1 and token i: the end of a
// paragraph or of a free-text quiz answer, whatever punctuation precedes it.
func (s *scorer) paragraphBreak(i int) bool {
	gap := s.text[s.toks[i-1].End:s.toks[i].Start]
	return strings.Count(gap, "\n") >= 2 || strings.ContainsRune(gap, '\u2029')
}

// isClausePunct reports punctuation that always ends a modifier's scope.
// The full stop is handled apart, through sentence segmentation.
func isClausePunct(p string) bool {
	switch p {
	case ",", ";", ":", "—", "–", "(", ")", "!", "?", "…":
		return true
	}
	return false
}

// add tallies one match: every entry of the winning term counts toward its
// category, pole flipped by negation, weight scaled by the modifiers and
// damped harmonically by repetition (the n-th occurrence of a term counts
// 1/n), so one word repeated a thousand times adds ~7.5, not 1000.
func (s *scorer) add(m lexicons.Match) {
	first, last := s.toks[m.Start], s.toks[m.End-1]
	negated := s.negated[m.Start] != m.PrefixNegated
	s.seen[m.Term]++
	damp := 1 / float64(s.seen[m.Term])
	s.matched += m.End - m.Start
	for _, e := range m.Entries {
		w := e.Weight * s.factor[m.Start] * damp
		pole := e.Pole
		if negated {
			if e.Category == categoryMindset {
				w *= mindsetNegation
			} else {
				w *= negationDamping
			}
			pole = pole.Opposite()
		}
		t := s.dims[e.Category]
		if t == nil {
			t = &tally{}
			s.dims[e.Category] = t
		}
		if pole == poleHigh || pole == poleGrowth {
			t.pos += w
		} else {
			t.neg += w
		}
		t.count++
		if s.terms != nil {
			s.terms[termKey(e.Category, pole, m.Term)] += s.factor[m.Start]
		}
		if len(t.evidence) < MaxEvidence {
			t.evidence = append(t.evidence, Evidence{
				Text: s.text[first.Start:last.End], Entry: m.Term, Pole: pole, Weight: round(w, 3),
				Start: first.Start, End: last.End, Negated: negated,
			})
		}
	}
}

// countRepetition measures distinct words and the most frequent word.
func (s *scorer) countRepetition() {
	counts := make(map[string]int)
	for _, w := range s.words {
		if w == "" {
			continue
		}
		counts[w]++
		if counts[w] > s.topCount {
			s.topCount = counts[w]
		}
	}
	s.distinct = len(counts)
}

// fill writes scores, confidences, percentiles and flags into res.
func (s *scorer) fill(res *Result, norms *Norms) {
	repetitive := res.Words >= repetitiveMinimum &&
		(float64(s.distinct)/float64(res.Words) < repetitiveRatio || float64(s.topCount)/float64(res.Words) > repetitiveTopWord)
	if repetitive {
		res.Flags = append(res.Flags, FlagRepetitive)
	}
	if res.Words >= ShortTextWords && float64(s.matched)/float64(res.Words) < LowCoverageRatio {
		res.Flags = append(res.Flags, FlagLowCoverage)
	}
	conf := func(t *tally) float64 {
		c := (1 - math.Exp(-(t.pos+t.neg)/evidenceScale)) * float64(res.Words) / (float64(res.Words) + wordScale)
		if repetitive {
			c *= repetitivePenalty
		}
		return round(c, 3)
	}
	for _, trait := range AllTraits {
		ts := res.Traits.Get(trait)
		t := s.dims[lexicons.Category(trait)]
		if t == nil {
			ts.Percentile = norms.Percentile(res.Language.Code, string(trait), 0, res.Words)
			continue
		}
		ts.Score = round((t.pos-t.neg)/(t.pos+t.neg+scoreSmoothing), 3)
		ts.Confidence = conf(t)
		ts.Evidence = t.evidence
		ts.EvidenceCount = t.count
		ts.Percentile = norms.Percentile(res.Language.Code, string(trait), Rate(t.pos, t.neg, res.Words), res.Words)
	}
	if t := s.dims[categoryMindset]; t != nil {
		m := &res.Mindset
		m.Score = round((t.pos-t.neg)/(t.pos+t.neg+scoreSmoothing), 3)
		m.Confidence = conf(t)
		m.Evidence = t.evidence
		m.EvidenceCount = t.count
		m.Label = mindsetLabel(t.neg, t.pos)
	}
}

// mindsetLabel applies the documented thresholds: unknown below
// mindsetMinimum evidence, mixed when the weaker side holds at least a third
// of the evidence, otherwise the stronger side.
func mindsetLabel(fixed, growth float64) string {
	total := fixed + growth
	switch {
	case total < mindsetMinimum:
		return MindsetUnknown
	case math.Min(fixed, growth) >= mixedShare*total:
		return MindsetMixed
	case growth > fixed:
		return MindsetGrowth
	default:
		return MindsetFixed
	}
}

// Rate is the statistic norms describe: net pole evidence (high minus low,
// or growth minus fixed) per 100 words.
func Rate(pos, neg float64, words int) float64 {
	if words == 0 {
		return 0
	}
	return (pos - neg) * 100 / float64(words)
}

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

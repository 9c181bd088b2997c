package classifier

import "github.com/mindprint/mindprint/lexicons"

// Trait is one of the five factors of the Five-Factor Model. The names are the
// JSON keys of the contract and never change.
type Trait string

// The five traits, in the order they are reported.
const (
	Openness          Trait = "openness"
	Conscientiousness Trait = "conscientiousness"
	Extraversion      Trait = "extraversion"
	Agreeableness     Trait = "agreeableness"
	Neuroticism       Trait = "neuroticism"
)

// AllTraits lists the five traits in report order.
var AllTraits = []Trait{Openness, Conscientiousness, Extraversion, Agreeableness, Neuroticism}

// Flags describe what makes a result less trustworthy. They are values, not
// log lines: a caller can filter on them.
const (
	// FlagShortText: fewer than ShortTextWords words; scores rest on very little.
	FlagShortText = "short_text"
	// FlagLowCoverage: fewer than 2% of the words matched any lexicon entry.
	FlagLowCoverage = "low_coverage"
	// FlagRepetitive: the text repeats itself (few distinct words, or one word
	// dominating); confidence is cut accordingly.
	FlagRepetitive = "repetitive"
	// FlagUnsupportedLanguage: the language was detected (or hinted) but has no
	// lexicon, so nothing was scored.
	FlagUnsupportedLanguage = "unsupported_language"
	// FlagUndeterminedLanguage: no language could be determined with enough
	// confidence; language.code is "und" and nothing was scored.
	FlagUndeterminedLanguage = "undetermined_language"
	// FlagTruncated: the text was longer than the analysis window; only its first
	// MaxAnalyzedBytes bytes were scored (offsets stay valid).
	FlagTruncated = "truncated"
)

// Input is one text to analyse.
type Input struct {
	// ID is echoed in the result when non-empty.
	ID string `json:"id,omitempty"`
	// Text is the customer text, UTF-8.
	Text string `json:"text"`
	// Lang is an optional ISO 639-1 hint; when set it wins over detection.
	Lang string `json:"lang,omitempty"`
	// Source is an optional hint about where the text came from
	// (review, chat, survey, quiz, other). It is recorded, not scored.
	Source string `json:"source,omitempty"`
}

// Result is the analysis contract shared by the library, the CLI and the API
// (see PRODUCT.md). Fields may be added; existing ones never change meaning.
type Result struct {
	ID             string         `json:"id,omitempty"`
	Language       LanguageResult `json:"language"`
	Words          int            `json:"words"`
	Traits         Traits         `json:"traits"`
	Mindset        MindsetScore   `json:"mindset"`
	Flags          []string       `json:"flags"`
	LexiconVersion string         `json:"lexicon_version"`
}

// LanguageResult says which language the text was scored as, and why.
type LanguageResult struct {
	// Code is an ISO 639-1 code, or "und" when undetermined.
	Code string `json:"code"`
	// Confidence is in 0..1: the detector's confidence for Code (1 for a hint).
	// For "und" it is the confidence of the best rejected candidate.
	Confidence float64 `json:"confidence"`
	// Source is "detected" or "hint".
	Source string `json:"source"`
}

// Traits holds one score per trait, in report order.
type Traits struct {
	Openness          TraitScore `json:"openness"`
	Conscientiousness TraitScore `json:"conscientiousness"`
	Extraversion      TraitScore `json:"extraversion"`
	Agreeableness     TraitScore `json:"agreeableness"`
	Neuroticism       TraitScore `json:"neuroticism"`
}

// Get returns a pointer to the score of trait t, or nil for an unknown trait.
func (ts *Traits) Get(t Trait) *TraitScore {
	switch t {
	case Openness:
		return &ts.Openness
	case Conscientiousness:
		return &ts.Conscientiousness
	case Extraversion:
		return &ts.Extraversion
	case Agreeableness:
		return &ts.Agreeableness
	case Neuroticism:
		return &ts.Neuroticism
	}
	return nil
}

// TraitScore is one trait's reading of a text.
type TraitScore struct {
	// Score is in -1..1: the sign is the direction (+ high pole, - low pole),
	// the size how one-sided the evidence is; 0 when there is no evidence.
	Score float64 `json:"score"`
	// Percentile is 0..100 against reference texts of the same language, or nil
	// when there are no norms for the language.
	Percentile *int `json:"percentile"`
	// Confidence is in 0..1 and grows with evidence and with words.
	Confidence float64 `json:"confidence"`
	// Evidence lists the matches behind the score, in text order (at most
	// MaxEvidence of them).
	Evidence []Evidence `json:"evidence"`
	// EvidenceCount is how many matches there were in all, listed or not.
	EvidenceCount int `json:"evidence_count"`
}

// MindsetScore is the fixed-versus-growth reading of a text.
type MindsetScore struct {
	// Label is fixed, growth, mixed or unknown (see doc.go for thresholds).
	Label string `json:"label"`
	// Score is in -1 (fixed) .. +1 (growth); 0 without evidence.
	Score float64 `json:"score"`
	// Confidence is in 0..1, computed like a trait's.
	Confidence float64 `json:"confidence"`
	// Evidence lists the matches behind the score, in text order (at most
	// MaxEvidence of them).
	Evidence []Evidence `json:"evidence"`
	// EvidenceCount is how many matches there were in all, listed or not.
	EvidenceCount int `json:"evidence_count"`
}

// Mindset labels.
const (
	MindsetFixed   = "fixed"
	MindsetGrowth  = "growth"
	MindsetMixed   = "mixed"
	MindsetUnknown = "unknown"
)

// Evidence is one lexicon match that moved a score.
type Evidence struct {
	// Text is the matched text exactly as received: Text == input[Start:End].
	Text string `json:"text"`
	// Entry is the lexicon term that matched, e.g. "luov*" or "top rated".
	Entry string `json:"entry"`
	// Pole is the pole the match counts toward, after negation:
	// high/low for traits, fixed/growth for mindset.
	Pole lexicons.Pole `json:"pole"`
	// Weight is the entry's weight after intensifiers, diminishers, negation
	// and repetition damping.
	Weight float64 `json:"weight"`
	// Start and End are byte offsets into the text as received.
	Start int `json:"start"`
	End   int `json:"end"`
	// Negated is true when a negator (or a negation prefix) flipped the pole.
	Negated bool `json:"negated"`
}

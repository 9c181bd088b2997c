package classifier

import (
	"fmt"
	"unicode/utf8"

	"github.com/mindprint/mindprint/lexicons"
)

// DefaultMaxTextBytes is the largest text Analyze accepts by default (1 MiB).
const DefaultMaxTextBytes = 1 << 20

// MaxAnalyzedBytes bounds the part of a text that is scored (256 KiB). A longer
// text is scored on its first MaxAnalyzedBytes bytes (cut at a rune boundary)
// and flagged FlagTruncated, so one huge input cannot stall a worker.
const MaxAnalyzedBytes = 256 << 10

// Analyzer runs the pipeline detect → tokenize → match → score. It is safe for
// concurrent use; build one per process and share it.
type Analyzer struct {
	lex      *lexicons.Set
	detector *Detector
	norms    *Norms
	maxBytes int
	tok      *Tokenizer
}

// Option configures an Analyzer.
type Option func(*Analyzer) error

// WithLexicons uses set instead of the embedded lexicons.
func WithLexicons(set *lexicons.Set) Option {
	return func(a *Analyzer) error {
		if set == nil {
			return fmt.Errorf("classifier: WithLexicons: nil set")
		}
		a.lex = set
		return nil
	}
}

// WithDetector uses d instead of the shared detector.
func WithDetector(d *Detector) Option {
	return func(a *Analyzer) error {
		if d == nil {
			return fmt.Errorf("classifier: WithDetector: nil detector")
		}
		a.detector = d
		return nil
	}
}

// WithNorms fills TraitScore.Percentile from n for the languages it covers.
func WithNorms(n *Norms) Option {
	return func(a *Analyzer) error { a.norms = n; return nil }
}

// WithMaxTextBytes sets the largest accepted text in bytes (> 0).
func WithMaxTextBytes(n int) Option {
	return func(a *Analyzer) error {
		if n <= 0 {
			return fmt.Errorf("classifier: WithMaxTextBytes: %d is not positive", n)
		}
		a.maxBytes = n
		return nil
	}
}

// New builds an Analyzer. Without options it uses the embedded lexicons, the
// shared language detector (models preloaded here, which takes a few
// seconds) and no norms.
func New(opts ...Option) (*Analyzer, error) {
	a := &Analyzer{maxBytes: DefaultMaxTextBytes}
	for _, opt := range opts {
		if err := opt(a); err != nil {
			return nil, err
		}
	}
	if a.lex == nil {
		set, err := lexicons.Default()
		if err != nil {
			return nil, fmt.Errorf("classifier: embedded lexicons: %w", err)
		}
		a.lex = set
	}
	if a.detector == nil {
		d, err := SharedDetector()
		if err != nil {
			return nil, fmt.Errorf("classifier: language detector: %w", err)
		}
		a.detector = d
	}
	a.tok = NewTokenizer()
	return a, nil
}

// Lexicons returns the lexicon set the analyzer scores with.
func (a *Analyzer) Lexicons() *lexicons.Set { return a.lex }

// Norms returns the norms in use, or nil.
func (a *Analyzer) Norms() *Norms { return a.norms }

// LanguageInfo describes one language the analyzer knows.
type LanguageInfo struct {
	Code string `json:"code"`
	// Scored is true when the language has a lexicon; otherwise it is only
	// detected and reported as unsupported_language.
	Scored bool `json:"scored"`
	// Norms is true when percentiles are available for the language.
	Norms bool `json:"norms"`
}

// Languages lists every language the analyzer detects or scores.
func (a *Analyzer) Languages() []LanguageInfo {
	seen := map[string]bool{}
	var out []LanguageInfo
	add := func(code string) {
		if seen[code] {
			return
		}
		seen[code] = true
		out = append(out, LanguageInfo{Code: code, Scored: a.lex.Lexicon(code) != nil, Norms: a.norms.Has(code)})
	}
	for _, c := range a.lex.Languages() {
		add(c)
	}
	for _, c := range a.detector.Codes() {
		add(c)
	}
	return out
}

// validate checks an input before any work is done.
func (a *Analyzer) validate(in Input) error {
	if len(in.Text) > a.maxBytes {
		return &Error{Code: CodeTextTooLong, Field: "text", Message: fmt.Sprintf("text is %d bytes; the limit is %d", len(in.Text), a.maxBytes)}
	}
	if !utf8.ValidString(in.Text) {
		return &Error{Code: CodeInvalidUTF8, Field: "text", Message: "text is not valid UTF-8"}
	}
	if isBlank(in.Text) {
		return &Error{Code: CodeEmptyText, Field: "text", Message: "text is empty or only whitespace"}
	}
	if in.Lang != "" && a.lex.Lexicon(in.Lang) == nil && !a.detector.Known(in.Lang) {
		return &Error{Code: CodeInvalidLanguage, Field: "lang", Message: fmt.Sprintf("unknown language %q; GET /v1/languages lists the known codes", in.Lang)}
	}
	return nil
}

package lexicons

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
)

// Category is what an entry is evidence for: one of the five traits of the
// Five-Factor Model, or mindset.
type Category string

// The categories a lexicon entry can belong to. The trait names equal the
// JSON keys of the analysis contract.
const (
	Openness          Category = "openness"
	Conscientiousness Category = "conscientiousness"
	Extraversion      Category = "extraversion"
	Agreeableness     Category = "agreeableness"
	Neuroticism       Category = "neuroticism"
	Mindset           Category = "mindset"
)

// Categories lists every category in report order: the five traits, then
// mindset.
var Categories = []Category{Openness, Conscientiousness, Extraversion, Agreeableness, Neuroticism, Mindset}

// Valid reports whether c is one of Categories.
func (c Category) Valid() bool { return slices.Contains(Categories, c) }

// Poles returns the two poles of c: high and low for a trait, fixed and
// growth for mindset, nil for an unknown category.
func (c Category) Poles() []Pole {
	switch {
	case c == Mindset:
		return []Pole{Fixed, Growth}
	case c.Valid():
		return []Pole{High, Low}
	}
	return nil
}

// Pole is the direction an entry points within its category.
type Pole string

// The poles. High and Low belong to the traits, Fixed and Growth to mindset.
const (
	High   Pole = "high"
	Low    Pole = "low"
	Fixed  Pole = "fixed"
	Growth Pole = "growth"
)

// Opposite returns the other pole of the same category (high ↔ low,
// fixed ↔ growth): what a negated match counts toward. It returns "" for an
// unknown pole.
func (p Pole) Opposite() Pole {
	switch p {
	case High:
		return Low
	case Low:
		return High
	case Fixed:
		return Growth
	case Growth:
		return Fixed
	}
	return ""
}

// Entry is one term of a lexicon with the category and pole it signals.
type Entry struct {
	// Term is what the entry matches, as written in the file (already folded):
	// a word, a wildcard stem ("luov*") or a phrase of up to six of them.
	Term     string
	Category Category
	Pole     Pole
	// Weight is how strongly the term signals its pole: 0 < Weight <= 3,
	// 1.0 by default.
	Weight float64
	// Matches and Rejects are the examples the file lists: forms the term must
	// match and look-alikes it must not.
	Matches, Rejects []string
	// Note is the writer's reason for the entry, when given.
	Note string
	// File is the path of the file within the fs given to Load, e.g.
	// "fi/openness.yaml"; Line is the entry's line in it.
	File string
	Line int
}

// Pos returns "file:line", the place an error message points at.
func (e *Entry) Pos() string { return fmt.Sprintf("%s:%d", e.File, e.Line) }

// FileInfo is the header of one lexicon file.
type FileInfo struct {
	// Path is the file's path within the fs given to Load, e.g. "fi/openness.yaml".
	Path        string
	ID          string
	Lang        string
	Version     string
	License     string
	Source      string
	Description string
}

// Modifiers are the words of one language that change the matches near them.
// The lexicons package only loads and validates them; the classifier applies
// them.
type Modifiers struct {
	// Negators are whole words that flip the pole of matches after them.
	Negators map[string]bool
	// NegationPrefixes are prefixes ("ne" in Latvian) that negate a word they
	// are glued to; the matcher reports such matches with PrefixNegated.
	NegationPrefixes []string
	// NegationWindow is how many words after a negator it reaches, 1..10,
	// 3 when the file does not say.
	NegationWindow int
	// ScopeBreakers are words that end a negation's scope early ("but").
	ScopeBreakers map[string]bool
	// Intensifiers maps a word to the factor it multiplies the next match's
	// weight by: intensifiers (1 < factor <= 3) and diminishers
	// (0 < factor < 1) together.
	Intensifiers map[string]float64
}

// DefaultNegationWindow is the negation window of a modifier file that does
// not set negation_window.
const DefaultNegationWindow = 3

// Lexicon is everything loaded for one language: its files, entries,
// modifiers and the compiled matcher. A Lexicon is immutable after Load and
// safe for concurrent use.
type Lexicon struct {
	// Lang is the ISO 639-1 code, equal to the folder name.
	Lang string
	// Files are the headers of the language's files, sorted by path.
	Files []FileInfo
	// Entries are all entries of the language, in file (path) and line order.
	Entries   []Entry
	Modifiers Modifiers

	m *matcher
}

// Counts returns how many entries each category and pole has.
func (l *Lexicon) Counts() map[Category]map[Pole]int {
	out := make(map[Category]map[Pole]int)
	for i := range l.Entries {
		e := &l.Entries[i]
		if out[e.Category] == nil {
			out[e.Category] = make(map[Pole]int)
		}
		out[e.Category][e.Pole]++
	}
	return out
}

// Set is a loaded collection of lexicons, one per language. It is immutable
// and safe for concurrent use.
type Set struct {
	langs   map[string]*Lexicon
	files   []FileInfo
	version string
}

// Lexicon returns the lexicon of lang, or nil when the set has none for it.
func (s *Set) Lexicon(lang string) *Lexicon { return s.langs[lang] }

// Languages returns the codes of the languages in the set, sorted.
func (s *Set) Languages() []string {
	out := make([]string, 0, len(s.langs))
	for l := range s.langs {
		out = append(out, l)
	}
	slices.Sort(out)
	return out
}

// Files returns the headers of every file in the set, sorted by path.
func (s *Set) Files() []FileInfo { return slices.Clone(s.files) }

// Version identifies the content of the set: "2026.11-" followed by the first
// 6 hex digits of a SHA-256 over every file's path and bytes in path order. It
// changes whenever any file changes, and is reported as lexicon_version.
func (s *Set) Version() string { return s.version }

// VersionPrefix is the fixed part of Set.Version.
const VersionPrefix = "2026.11-"

// contentVersion computes Set.Version from files sorted by path.
func contentVersion(paths []string, data [][]byte) string {
	h := sha256.New()
	var n [8]byte
	for i, p := range paths {
		h.Write([]byte(p))
		h.Write([]byte{0})
		l := uint64(len(data[i]))
		for j := range n {
			n[j] = byte(l >> (8 * j))
		}
		h.Write(n[:])
		h.Write(data[i])
	}
	return VersionPrefix + hex.EncodeToString(h.Sum(nil))[:6]
}

// ValidationError is one problem found in a lexicon file. Load returns every
// problem it finds, joined with errors.Join.
type ValidationError struct {
	// Path is the file's path within the fs given to Load.
	Path string
	// Line is 1-based; 0 when the problem concerns a whole file or folder.
	Line int
	Msg  string
}

// Error returns "path:line: msg", or "path: msg" when there is no line.
func (e *ValidationError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

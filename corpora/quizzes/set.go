package quizzes

import (
	"slices"
	"strings"

	"github.com/mindprint/mindprint/classifier"
)

// Set is a validated collection of instruments, looked up by id. It is
// read-only and safe for concurrent use.
type Set struct {
	list []*classifier.QuizInstrument
	byID map[string]*classifier.QuizInstrument
}

func newSet(list []*classifier.QuizInstrument) *Set {
	slices.SortFunc(list, func(a, b *classifier.QuizInstrument) int { return strings.Compare(a.ID, b.ID) })
	s := &Set{list: list, byID: make(map[string]*classifier.QuizInstrument, len(list))}
	for _, q := range list {
		s.byID[q.ID] = q
	}
	return s
}

// Get returns the instrument with id, or nil. A nil *Set has none.
func (s *Set) Get(id string) *classifier.QuizInstrument {
	if s == nil {
		return nil
	}
	return s.byID[id]
}

// List returns the instruments sorted by id.
func (s *Set) List() []*classifier.QuizInstrument {
	if s == nil {
		return nil
	}
	return slices.Clone(s.list)
}

// IDs returns the instrument ids, sorted.
func (s *Set) IDs() []string {
	var ids []string
	for _, q := range s.List() {
		ids = append(ids, q.ID)
	}
	return ids
}

// Summary describes one instrument in a listing (GET /v1/quizzes).
type Summary struct {
	ID        string   `json:"id"`
	Version   string   `json:"version"`
	Languages []string `json:"languages"`
	// Title maps a language to the instrument's title.
	Title map[string]string `json:"title"`
	// Measures lists the dimensions the items score: trait names, then mindset.
	Measures []string `json:"measures"`
	// Items and Questions count the Likert items and free-text questions.
	Items     int    `json:"items"`
	Questions int    `json:"questions"`
	License   string `json:"license"`
	Source    string `json:"source"`
}

// Summaries describes every instrument, sorted by id.
func (s *Set) Summaries() []Summary {
	out := []Summary{}
	for _, q := range s.List() {
		m := q.Dimensions()
		if m == nil {
			m = []string{}
		}
		out = append(out, Summary{ID: q.ID, Version: q.Version, Languages: slices.Clone(q.Languages), Title: q.Title,
			Measures: m, Items: len(q.Items), Questions: len(q.Questions), License: q.License, Source: q.Source})
	}
	return out
}

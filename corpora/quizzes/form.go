package quizzes

import (
	"fmt"
	"strings"

	"github.com/mindprint/mindprint/classifier"
)

// Form is an instrument in one language, ready to render: the answer
// scale with its labels, the items with their trait (or mindset) and
// keying, and the free-text questions. It is the answer of
// GET /v1/quizzes/{id}?lang=xx and of `mindprint quiz show`.
type Form struct {
	ID           string `json:"id"`
	Version      string `json:"version"`
	Lang         string `json:"lang"`
	Title        string `json:"title"`
	Instructions string `json:"instructions,omitempty"`
	// Scale is absent when the instrument has no Likert items.
	Scale     *FormScale     `json:"scale,omitempty"`
	Items     []FormItem     `json:"items"`
	Questions []FormQuestion `json:"questions"`
}

// FormScale is the answer scale: whole numbers Min..Max, Labels[0] for Min.
type FormScale struct {
	Min    int      `json:"min"`
	Max    int      `json:"max"`
	Labels []string `json:"labels"`
}

// FormItem is one Likert item. Exactly one of Trait and Mindset is set;
// Mindset is the side agreeing points to (growth is keyed "+", fixed "-").
type FormItem struct {
	ID      string            `json:"id"`
	Text    string            `json:"text"`
	Trait   string            `json:"trait,omitempty"`
	Mindset string            `json:"mindset,omitempty"`
	Keyed   classifier.Keying `json:"keyed"`
}

// FormQuestion is one free-text question; answers may be up to MaxBytes.
type FormQuestion struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	MaxBytes int    `json:"max_bytes"`
}

// LanguageError is a language the instrument is not written in.
type LanguageError struct {
	Instrument string
	Lang       string
	Languages  []string
}

func (e *LanguageError) Error() string {
	if e.Lang == "" {
		return fmt.Sprintf("quiz %q needs a language: one of %s", e.Instrument, strings.Join(e.Languages, ", "))
	}
	return fmt.Sprintf("quiz %q is written in %s, not %q", e.Instrument, strings.Join(e.Languages, ", "), e.Lang)
}

// FormOf renders q in lang; a language q is not written in is a
// *LanguageError.
func FormOf(q *classifier.QuizInstrument, lang string) (*Form, error) {
	if !q.HasLanguage(lang) {
		return nil, &LanguageError{Instrument: q.ID, Lang: lang, Languages: q.Languages}
	}
	f := &Form{ID: q.ID, Version: q.Version, Lang: lang, Title: q.Title[lang], Instructions: q.Instructions[lang],
		Items: []FormItem{}, Questions: []FormQuestion{}}
	if len(q.Items) > 0 {
		f.Scale = &FormScale{Min: q.Scale.Min, Max: q.Scale.Max, Labels: q.Scale.Labels[lang]}
	}
	for _, it := range q.Items {
		fi := FormItem{ID: it.ID, Text: it.Text[lang], Keyed: it.Keyed}
		if it.Dimension == classifier.DimensionMindset {
			fi.Mindset = classifier.MindsetGrowth
			if it.Keyed == classifier.KeyedMinus {
				fi.Mindset = classifier.MindsetFixed
			}
		} else {
			fi.Trait = it.Dimension
		}
		f.Items = append(f.Items, fi)
	}
	for _, qu := range q.Questions {
		f.Questions = append(f.Questions, FormQuestion{ID: qu.ID, Text: qu.Text[lang], MaxBytes: classifier.MaxFreeTextBytes})
	}
	return f, nil
}

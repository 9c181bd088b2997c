package lexicons

import (
	"fmt"
	"strings"
)

// CheckExamples runs every entry's examples through the full matcher of its
// language, the way analysis will see them: each matches example (folded
// and split on spaces into tokens) must fire the entry, or another entry of
// the same category and pole (a longer stem or phrase may win), and no
// rejects example may fire the entry. Load checks examples against the
// entry's own term only; this catches what the rest of the lexicon does to
// them. It returns one problem per example, in file and line order, and
// nil when all pass.
func (l *Lexicon) CheckExamples() []*ValidationError {
	var out []*ValidationError
	for i := range l.Entries {
		e := &l.Entries[i]
		for _, ex := range e.Matches {
			fired := false
			var seen []string
			l.Match(strings.Fields(Fold(ex)), func(m Match) {
				seen = append(seen, describe(m))
				if m.PrefixNegated {
					return
				}
				for _, o := range m.Entries {
					if o == e || (o.Category == e.Category && o.Pole == e.Pole) {
						fired = true
					}
				}
			})
			if !fired {
				out = append(out, &ValidationError{Path: e.File, Line: e.Line, Msg: fmt.Sprintf(
					"example %q of %q does not reach %s/%s in the full lexicon (it matches %s)",
					ex, e.Term, e.Category, e.Pole, seenList(seen))})
			}
		}
		for _, ex := range e.Rejects {
			l.Match(strings.Fields(Fold(ex)), func(m Match) {
				for _, o := range m.Entries {
					if o != e {
						continue
					}
					how := ""
					if m.PrefixNegated {
						how = " through the negation prefix"
					}
					out = append(out, &ValidationError{Path: e.File, Line: e.Line, Msg: fmt.Sprintf(
						"reject %q of %q still fires it in the full lexicon%s", ex, e.Term, how)})
				}
			})
		}
	}
	return out
}

// describe renders a match for a message: `"luov*" (openness/high)`.
func describe(m Match) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q (", m.Term)
	for i, e := range m.Entries {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(e.Category) + "/" + string(e.Pole))
	}
	b.WriteString(")")
	if m.PrefixNegated {
		b.WriteString(" negated by prefix")
	}
	return b.String()
}

func seenList(seen []string) string {
	if len(seen) == 0 {
		return "nothing"
	}
	return strings.Join(seen, " + ")
}

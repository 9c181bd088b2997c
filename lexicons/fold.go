package lexicons

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold returns the form in which terms are written and tokens are matched:
// lowercase (Turkish İ becomes a plain i), Unicode NFC, and the curly
// apostrophes ’ ʼ ‘ as a straight '. Invalid UTF-8 becomes U+FFFD.
//
// A string that is already folded is returned as is, without allocating;
// this is the common case for ASCII and for lowercase text in any script.
func Fold(s string) string {
	upper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			if upper {
				return foldUnicode(s, 0)
			}
			return foldUnicode(s, i)
		}
		upper = upper || ('A' <= c && c <= 'Z')
	}
	if !upper {
		return s
	}
	return strings.ToLower(s)
}

// foldUnicode folds s, whose first non-ASCII byte is at from.
func foldUnicode(s string, from int) string {
	if folded(s, from) {
		return s
	}
	if !isNFC(s) {
		// Compose first so that a decomposed İ (I + U+0307) is seen as İ.
		s = norm.NFC.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case '’', 'ʼ', '‘':
			b.WriteByte('\'')
		case 'İ':
			b.WriteByte('i')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	out := b.String()
	if !isNFC(out) {
		out = norm.NFC.String(out)
	}
	return out
}

// isNFC reports whether s is in NFC. The quick check decides almost every
// string without allocating.
func isNFC(s string) bool {
	return norm.NFC.QuickSpanString(s) == len(s) || norm.NFC.IsNormalString(s)
}

// folded reports whether Fold would return s unchanged; s[:from] is known
// to be lowercase ASCII.
func folded(s string, from int) bool {
	ascii := true
	for i := from; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				return false
			}
			i++
			continue
		}
		ascii = false
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return false
		}
		switch r {
		case '’', 'ʼ', '‘', 'İ':
			return false
		}
		if unicode.ToLower(r) != r {
			return false
		}
		i += n
	}
	return ascii || isNFC(s)
}

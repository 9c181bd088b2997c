package lexicons

import (
	"testing"
)

func TestFold(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"ascii folded", "curious", "curious"},
		{"ascii upper", "CuRiOuS", "curious"},
		{"upper ascii before unicode", "ABCä", "abcä"},
		{"finnish", "KÄVELYRETKELLÄ Öisin", "kävelyretkellä öisin"},
		{"finnish decomposed", "ka\u0308vely", "kävely"},
		{"polish", "ZAŻENOWANA Łódź Ęę", "zażenowana łódź ęę"},
		{"latvian", "ĀĒĶĻŅŠ Ūdens", "āēķļņš ūdens"},
		{"turkish dotted capital I", "İNNOVATIVE", "innovative"},
		{"decomposed dotted capital I", "I\u0307stanbul", "istanbul"},
		{"right single quote", "can’t", "can't"},
		{"left single quote", "‘quoted’", "'quoted'"},
		{"modifier letter apostrophe", "doesnʼt", "doesn't"},
		{"straight apostrophe kept", "can't", "can't"},
		{"invalid utf-8", "a\xffb", "a\ufffdb"},
		{"emoji unchanged", "party🎉", "party🎉"},
		{"greek", "ΚΑΛΗΜΕΡΑ", "καλημερα"},
		{"hyphen kept", "Self-Made", "self-made"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := Fold(tt.want); got != tt.want {
				t.Errorf("Fold is not idempotent: Fold(%q) = %q", tt.want, got)
			}
		})
	}
}

func TestFoldDoesNotAllocateWhenFolded(t *testing.T) {
	for _, s := range []string{"customer", "kävelyretkellä", "zażenowana", "ķildīgs", "can't", ""} {
		if n := testing.AllocsPerRun(100, func() { _ = Fold(s) }); n != 0 {
			t.Errorf("Fold(%q) allocates %.0f times, want 0", s, n)
		}
	}
}

package copylib

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func goodVariant() Variant {
	return Variant{
		ID: "pl-cta-1", Lang: "pl", Kind: "cta", Text: "Zadbaj o spokój – sprawdzona ochrona.",
		Traits: []string{"neuroticism:high"}, Mindset: "fixed", Industries: []string{"insurance"},
		Touchpoint: "landing_page", Tags: []string{},
	}
}

func TestVariantValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(v *Variant)
		fields []FieldError
	}{
		{"valid", func(v *Variant) {}, nil},
		{"valid without id", func(v *Variant) { v.ID = "" }, nil},
		{"valid pair member", func(v *Variant) { v.Mindset = "dual"; v.Tags = []string{"pair:x", "side:outcome"} }, nil},
		{"everything missing", func(v *Variant) { *v = Variant{} }, []FieldError{
			{"lang", "required: one of en, fi, lv, pl"},
			{"kind", "required: one of cta, headline, subject_line, body, banner"},
			{"mindset", "required: one of fixed, growth, dual, any"},
			{"touchpoint", "required: one of landing_page, email, onsite, push, ad"},
			{"text", "required: the copy must not be empty"},
			{"traits", "required: at least one trait pole, e.g. openness:high"},
			{"industries", "required: at least one of innovation, travel, creative, careers, finance, self-improvement, fashion, nightlife, fitness, charity, wellness, lifestyle, insurance, healthcare, mental-wellbeing, general"},
		}},
		{"bad id", func(v *Variant) { v.ID = "PL cta" }, []FieldError{{"id", `"PL cta" must start with a lowercase letter or digit`}}},
		{"bad id char", func(v *Variant) { v.ID = "pl/cta" }, []FieldError{{"id", `"pl/cta" may contain only a-z, 0-9, '-', '_' and '.'`}}},
		{"long id", func(v *Variant) { v.ID = strings.Repeat("a", 65) }, []FieldError{{"id", "65 bytes; the limit is 64"}}},
		{"unsupported lang", func(v *Variant) { v.Lang = "de" }, []FieldError{{"lang", `unsupported language "de": want one of en, fi, lv, pl`}}},
		{"unknown kind", func(v *Variant) { v.Kind = "poster" }, []FieldError{{"kind", `unknown value "poster": want one of cta, headline, subject_line, body, banner`}}},
		{"traits", func(v *Variant) {
			v.Traits = []string{"openness", "humour:high", "openness:mid", "neuroticism:low", "neuroticism:high", "neuroticism:low"}
		}, []FieldError{
			{"traits[0]", `"openness" is not trait:pole (e.g. openness:high)`},
			{"traits[1]", `unknown trait "humour" (want one of openness, conscientiousness, extraversion, agreeableness, neuroticism)`},
			{"traits[2]", `unknown pole "mid" in "openness:mid" (want high or low)`},
			{"traits[4]", `"neuroticism:high" contradicts "neuroticism:low" (traits[3]): one pole per trait`},
			{"traits[5]", `duplicate "neuroticism:low" (also traits[3])`},
		}},
		{"industries", func(v *Variant) { v.Industries = []string{"insurance", "mining", "insurance"} }, []FieldError{
			{"industries[1]", `unknown industry "mining": want one of innovation, travel, creative, careers, finance, self-improvement, fashion, nightlife, fitness, charity, wellness, lifestyle, insurance, healthcare, mental-wellbeing, general`},
			{"industries[2]", `duplicate "insurance" (also industries[0])`},
		}},
		{"text invalid utf-8", func(v *Variant) { v.Text = "a\xffb" }, []FieldError{{"text", "not valid UTF-8"}}},
		{"text control char", func(v *Variant) { v.Text = "ok\x00no" }, []FieldError{{"text", "control character U+0000 at byte 2"}}},
		{"text newline is fine", func(v *Variant) { v.Text = "Line one\nLine two\twith a tab" }, nil},
		{"text too long", func(v *Variant) { v.Text = strings.Repeat("ż", MaxTextBytes/2+1) }, []FieldError{{"text", "4002 bytes; the limit is 4000"}}},
		{"tags", func(v *Variant) { v.Tags = []string{"ok", "Bad Tag", "", "ok"} }, []FieldError{
			{"tags[1]", `"Bad Tag" may contain only lowercase letters, digits and - _ : .`},
			{"tags[2]", "empty tag"},
			{"tags[3]", `duplicate "ok" (also tags[0])`},
		}},
		{"unicode tags are fine", func(v *Variant) { v.Tags = []string{"bezpieczeństwo", "drošība", "äiti"} }, nil},
		{"pair without side", func(v *Variant) { v.Mindset = "dual"; v.Tags = []string{"pair:x"} }, []FieldError{
			{"tags", "a pair member needs exactly one of side:outcome and side:journey"},
		}},
		{"side without pair", func(v *Variant) { v.Tags = []string{"side:journey"} }, []FieldError{
			{"tags", "side:outcome/side:journey only make sense with a pair:<key> tag"},
		}},
		{"pair not dual", func(v *Variant) { v.Tags = []string{"pair:x", "side:journey"} }, []FieldError{
			{"mindset", `a split-pair member (tag pair:…) must have mindset dual, not "fixed"`},
		}},
		{"two pairs", func(v *Variant) { v.Mindset = "dual"; v.Tags = []string{"pair:x", "pair:y", "side:journey"} }, []FieldError{
			{"tags", "a variant belongs to at most one pair; found 2 pair: tags"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := goodVariant()
			tc.edit(&v)
			err := v.Validate()
			var got []FieldError
			if err != nil {
				var ve *ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("err %T, want *ValidationError", err)
				}
				got = ve.Errors
			}
			if diff := cmp.Diff(tc.fields, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestVariantNormalize(t *testing.T) {
	v := Variant{ID: " x ", Lang: " PL", Kind: "CTA ", Text: "  Tekst  ", Traits: []string{" Openness:High"}, Mindset: "Growth", Industries: []string{"Travel "}, Touchpoint: " Email", Tags: []string{"Sale"}}
	v.Normalize()
	want := Variant{ID: "x", Lang: "pl", Kind: "cta", Text: "Tekst", Traits: []string{"openness:high"}, Mindset: "growth", Industries: []string{"travel"}, Touchpoint: "email", Tags: []string{"sale"}}
	if diff := cmp.Diff(want, v); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	var empty Variant
	empty.Normalize()
	if empty.Tags == nil || empty.Traits == nil {
		t.Errorf("Normalize leaves nil lists: %+v", empty)
	}
}

func TestParseETag(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{`"3"`, 3, true}, {`W/"12"`, 12, true}, {"7", 7, true}, {` "2" `, 2, true},
		{`"0"`, 0, false}, {`"-1"`, 0, false}, {`"abc"`, 0, false}, {"*", 0, false}, {"", 0, false}, {`"1", "2"`, 0, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseETag(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Errorf("ParseETag(%q) = %d, %v; want %d, ok=%v", tc.in, got, err, tc.want, tc.ok)
			}
		})
	}
	v := goodVariant()
	v.Version = 9
	if n, err := ParseETag(v.ETag()); err != nil || n != 9 {
		t.Errorf("round trip of %s: %d, %v", v.ETag(), n, err)
	}
}

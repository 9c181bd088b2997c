package copylib

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mindprint/mindprint/classifier"
)

// Kinds of copy. A variant has exactly one.
const (
	KindCTA         = "cta"
	KindHeadline    = "headline"
	KindSubjectLine = "subject_line"
	KindBody        = "body"
	KindBanner      = "banner"
)

// Kinds lists every kind, in the order facets and docs show them.
var Kinds = []string{KindCTA, KindHeadline, KindSubjectLine, KindBody, KindBanner}

// Mindsets a variant can be written for. Dual copy hooks a fixed mindset with
// an outcome and layers growth messaging on it; any means the copy takes no
// side.
const (
	MindsetFixed  = "fixed"
	MindsetGrowth = "growth"
	MindsetDual   = "dual"
	MindsetAny    = "any"
)

// Mindsets lists every mindset value of a variant.
var Mindsets = []string{MindsetFixed, MindsetGrowth, MindsetDual, MindsetAny}

// IndustryGeneral marks copy that fits any industry.
const IndustryGeneral = "general"

// Industries lists the industries a variant can name: the ones the seed
// articles tie to a trait, plus general.
var Industries = []string{
	"innovation", "travel", "creative", // openness
	"careers", "finance", "self-improvement", // conscientiousness
	"fashion", "nightlife", "fitness", // extraversion
	"charity", "wellness", "lifestyle", // agreeableness
	"insurance", "healthcare", "mental-wellbeing", // neuroticism
	IndustryGeneral,
}

// Touchpoints lists where copy is shown.
var Touchpoints = []string{"landing_page", "email", "onsite", "push", "ad"}

// Languages lists the languages the library stores and indexes, each with its
// own analyzer (see analysis.go).
var Languages = []string{"en", "fi", "lv", "pl"}

// FallbackLanguage is the language Recommend falls back to when the requested
// one has no copy for a filter.
const FallbackLanguage = "en"

// Poles of a trait.
const (
	PoleHigh = "high"
	PoleLow  = "low"
)

// Limits on a variant's fields.
const (
	// MaxTextBytes is the longest text a variant may have.
	MaxTextBytes = 4000
	// MaxIDBytes is the longest id.
	MaxIDBytes = 64
	// MaxTags is the most tags a variant may carry.
	MaxTags = 20
	// MaxTagBytes is the longest tag.
	MaxTagBytes = 40
)

// Tag conventions for split CTA pairs: the two halves of a dual-mindset pair
// share a tag "pair:<key>" and carry TagOutcome or TagJourney.
const (
	TagPairPrefix = "pair:"
	TagOutcome    = "side:outcome"
	TagJourney    = "side:journey"
)

// Variant is one piece of copy: a CTA, headline, subject line, body text or
// banner, with the trait poles and mindset it is written for. Its JSON form is
// the wire format of the API, the CLI and NDJSON import/export.
type Variant struct {
	// ID is unique in the library: 1..64 characters of a-z, 0-9, '-', '_'
	// and '.', starting with a letter or digit. Create generates one when empty.
	ID string `json:"id"`
	// Lang is one of Languages.
	Lang string `json:"lang"`
	// Kind is one of Kinds.
	Kind string `json:"kind"`
	// Text is the copy itself, UTF-8, at most MaxTextBytes.
	Text string `json:"text"`
	// Traits are the poles the copy targets, "trait:pole" (openness:high),
	// the main one first. At least one.
	Traits []string `json:"traits"`
	// Mindset is one of Mindsets.
	Mindset string `json:"mindset"`
	// Industries are one or more of Industries, the main one first.
	Industries []string `json:"industries"`
	// Touchpoint is one of Touchpoints.
	Touchpoint string `json:"touchpoint"`
	// Tags are free labels (lowercase letters, digits, - _ : .), e.g.
	// "authority", "pair:cert-path", "side:outcome".
	Tags []string `json:"tags"`
	// Created and Updated are set by the library (UTC).
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	// Version starts at 1 and grows by one with every change; it is the ETag.
	Version int `json:"version"`
}

// TraitPole is one parsed entry of Variant.Traits.
type TraitPole struct {
	Trait classifier.Trait
	Pole  string
}

// String returns the "trait:pole" form.
func (tp TraitPole) String() string { return string(tp.Trait) + ":" + tp.Pole }

// ParseTraitPole parses "openness:high". Trait names are the five of the
// contract; poles are high and low.
func ParseTraitPole(s string) (TraitPole, error) {
	trait, pole, ok := strings.Cut(s, ":")
	if !ok {
		return TraitPole{}, fmt.Errorf("%q is not trait:pole (e.g. openness:high)", s)
	}
	if !isTrait(trait) {
		return TraitPole{}, fmt.Errorf("unknown trait %q (want one of %s)", trait, joinTraits())
	}
	if pole != PoleHigh && pole != PoleLow {
		return TraitPole{}, fmt.Errorf("unknown pole %q in %q (want high or low)", pole, s)
	}
	return TraitPole{Trait: classifier.Trait(trait), Pole: pole}, nil
}

// TraitPoles returns the parsed Traits, skipping malformed entries (a
// validated variant has none).
func (v *Variant) TraitPoles() []TraitPole {
	out := make([]TraitPole, 0, len(v.Traits))
	for _, s := range v.Traits {
		if tp, err := ParseTraitPole(s); err == nil {
			out = append(out, tp)
		}
	}
	return out
}

// HasTrait reports whether the variant targets the pole tp.
func (v *Variant) HasTrait(tp TraitPole) bool { return slices.Contains(v.Traits, tp.String()) }

// PairKey returns the key of the split pair the variant belongs to ("" if
// none) and its side (TagOutcome or TagJourney).
func (v *Variant) PairKey() (key, side string) {
	for _, t := range v.Tags {
		switch {
		case strings.HasPrefix(t, TagPairPrefix):
			key = strings.TrimPrefix(t, TagPairPrefix)
		case t == TagOutcome || t == TagJourney:
			side = t
		}
	}
	return key, side
}

// ETag returns the variant's entity tag for HTTP: its version, quoted.
func (v *Variant) ETag() string { return strconv.Quote(strconv.Itoa(v.Version)) }

// ParseETag reads the version back from an ETag or If-Match value ("3",
// W/"3" or a bare 3). It does not accept "*" or lists; the caller handles those.
func ParseETag(s string) (int, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "W/")
	if uq, err := strconv.Unquote(s); err == nil {
		s = uq
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%q is not a variant version", s)
	}
	return n, nil
}

// content reports whether two variants say the same thing, ignoring the
// library-managed fields (created, updated, version).
func (v *Variant) sameContent(o *Variant) bool {
	return v.ID == o.ID && v.Lang == o.Lang && v.Kind == o.Kind && v.Text == o.Text &&
		slices.Equal(v.Traits, o.Traits) && v.Mindset == o.Mindset &&
		slices.Equal(v.Industries, o.Industries) && v.Touchpoint == o.Touchpoint &&
		slices.Equal(v.Tags, o.Tags)
}

// Normalize tidies what a person may type loosely: surrounding space, the
// case of enumerated values and tags, nil lists. It never changes meaning.
func (v *Variant) Normalize() {
	v.ID = strings.TrimSpace(v.ID)
	v.Lang = strings.ToLower(strings.TrimSpace(v.Lang))
	v.Kind = strings.ToLower(strings.TrimSpace(v.Kind))
	v.Text = strings.TrimSpace(v.Text)
	v.Mindset = strings.ToLower(strings.TrimSpace(v.Mindset))
	v.Touchpoint = strings.ToLower(strings.TrimSpace(v.Touchpoint))
	lower := func(in []string) []string {
		out := make([]string, 0, len(in))
		for _, s := range in {
			out = append(out, strings.ToLower(strings.TrimSpace(s)))
		}
		return out
	}
	v.Traits = lower(v.Traits)
	v.Industries = lower(v.Industries)
	v.Tags = lower(v.Tags)
}

// Validate checks every field and returns a *ValidationError naming each bad
// one, or nil. It checks content only; Created, Updated and Version are the
// library's and are not checked here.
func (v *Variant) Validate() error {
	var errs []FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if v.ID != "" {
		if msg := checkID(v.ID); msg != "" {
			add("id", "%s", msg)
		}
	}
	switch {
	case v.Lang == "":
		add("lang", "required: one of %s", strings.Join(Languages, ", "))
	case !slices.Contains(Languages, v.Lang):
		add("lang", "unsupported language %q: want one of %s", v.Lang, strings.Join(Languages, ", "))
	}
	checkEnum := func(field, val string, allowed []string) {
		switch {
		case val == "":
			add(field, "required: one of %s", strings.Join(allowed, ", "))
		case !slices.Contains(allowed, val):
			add(field, "unknown value %q: want one of %s", val, strings.Join(allowed, ", "))
		}
	}
	checkEnum("kind", v.Kind, Kinds)
	checkEnum("mindset", v.Mindset, Mindsets)
	checkEnum("touchpoint", v.Touchpoint, Touchpoints)

	switch {
	case !utf8.ValidString(v.Text):
		add("text", "not valid UTF-8")
	case strings.TrimSpace(v.Text) == "":
		add("text", "required: the copy must not be empty")
	case len(v.Text) > MaxTextBytes:
		add("text", "%d bytes; the limit is %d", len(v.Text), MaxTextBytes)
	default:
		for i, r := range v.Text {
			if r != '\n' && r != '\t' && (unicode.IsControl(r) || r == utf8.RuneError) {
				add("text", "control character %U at byte %d", r, i)
				break
			}
		}
	}

	if len(v.Traits) == 0 {
		add("traits", "required: at least one trait pole, e.g. openness:high")
	}
	seenTrait := map[classifier.Trait]int{}
	for i, s := range v.Traits {
		field := fmt.Sprintf("traits[%d]", i)
		tp, err := ParseTraitPole(s)
		if err != nil {
			add(field, "%v", err)
			continue
		}
		if j, dup := seenTrait[tp.Trait]; dup {
			if v.Traits[j] == s {
				add(field, "duplicate %q (also traits[%d])", s, j)
			} else {
				add(field, "%q contradicts %q (traits[%d]): one pole per trait", s, v.Traits[j], j)
			}
			continue
		}
		seenTrait[tp.Trait] = i
	}

	if len(v.Industries) == 0 {
		add("industries", "required: at least one of %s", strings.Join(Industries, ", "))
	}
	seenInd := map[string]int{}
	for i, s := range v.Industries {
		field := fmt.Sprintf("industries[%d]", i)
		if !slices.Contains(Industries, s) {
			add(field, "unknown industry %q: want one of %s", s, strings.Join(Industries, ", "))
			continue
		}
		if j, dup := seenInd[s]; dup {
			add(field, "duplicate %q (also industries[%d])", s, j)
			continue
		}
		seenInd[s] = i
	}

	if len(v.Tags) > MaxTags {
		add("tags", "%d tags; the limit is %d", len(v.Tags), MaxTags)
	}
	seenTag := map[string]int{}
	pairs, sides := 0, 0
	for i, s := range v.Tags {
		field := fmt.Sprintf("tags[%d]", i)
		if msg := checkTag(s); msg != "" {
			add(field, "%s", msg)
			continue
		}
		if j, dup := seenTag[s]; dup {
			add(field, "duplicate %q (also tags[%d])", s, j)
			continue
		}
		seenTag[s] = i
		if strings.HasPrefix(s, TagPairPrefix) {
			pairs++
			if len(s) == len(TagPairPrefix) {
				add(field, "%q needs a key after %q", s, TagPairPrefix)
			}
		}
		if s == TagOutcome || s == TagJourney {
			sides++
		}
	}
	switch {
	case pairs > 1:
		add("tags", "a variant belongs to at most one pair; found %d pair: tags", pairs)
	case pairs == 1 && sides != 1:
		add("tags", "a pair member needs exactly one of %s and %s", TagOutcome, TagJourney)
	case pairs == 0 && sides > 0:
		add("tags", "%s/%s only make sense with a %s<key> tag", TagOutcome, TagJourney, TagPairPrefix)
	case pairs == 1 && v.Mindset != MindsetDual:
		add("mindset", "a split-pair member (tag pair:…) must have mindset dual, not %q", v.Mindset)
	}
	if len(errs) == 0 {
		return nil
	}
	return &ValidationError{Errors: errs}
}

func checkID(id string) string {
	if len(id) > MaxIDBytes {
		return fmt.Sprintf("%d bytes; the limit is %d", len(id), MaxIDBytes)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if i == 0 && !alnum {
			return fmt.Sprintf("%q must start with a lowercase letter or digit", id)
		}
		if !alnum && c != '-' && c != '_' && c != '.' {
			return fmt.Sprintf("%q may contain only a-z, 0-9, '-', '_' and '.'", id)
		}
	}
	return ""
}

func checkTag(t string) string {
	if t == "" {
		return "empty tag"
	}
	if len(t) > MaxTagBytes {
		return fmt.Sprintf("%q is %d bytes; the limit is %d", t, len(t), MaxTagBytes)
	}
	for _, r := range t {
		if !(unicode.IsLetter(r) && unicode.IsLower(r) || unicode.IsDigit(r) || strings.ContainsRune("-_:.", r)) {
			return fmt.Sprintf("%q may contain only lowercase letters, digits and - _ : .", t)
		}
	}
	return ""
}

func isTrait(s string) bool {
	return slices.Contains(classifier.AllTraits, classifier.Trait(s))
}

func joinTraits() string {
	names := make([]string, len(classifier.AllTraits))
	for i, t := range classifier.AllTraits {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

func traitOrder() []classifier.Trait { return classifier.AllTraits }

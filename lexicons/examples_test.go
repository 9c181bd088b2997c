package lexicons

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDefaultExamples is the inflection test the content writers rely on:
// every matches example of the embedded lexicons, run through the full
// matcher of its language, must reach its entry's category and pole, and no
// rejects example may fire its entry.
func TestDefaultExamples(t *testing.T) {
	set, err := Default()
	if err != nil {
		t.Fatalf("the embedded lexicons do not load:\n%v", err)
	}
	for _, lang := range set.Languages() {
		t.Run(lang, func(t *testing.T) {
			for _, p := range set.Lexicon(lang).CheckExamples() {
				t.Error(p)
			}
		})
	}
}

func TestFixtureExamples(t *testing.T) {
	set := fixture(t)
	for _, lang := range set.Languages() {
		for _, p := range set.Lexicon(lang).CheckExamples() {
			t.Errorf("%s: %v", lang, p)
		}
	}
}

func TestCheckExamples(t *testing.T) {
	set := mustLoad(t, map[string]string{
		"xx/modifiers.yaml": header("xx-modifiers", "xx") + "negation_prefixes: [ne]\n",
		"xx/a.yaml": entryFile("xx", "xx-a", `sections:
  - category: openness
    pole: high
    entries:
      - {term: "kasvu*", matches: [kasvuhuone, kasvua], rejects: [kasvot]}
      - {term: "luov*", matches: [luovuutta, luovasti], rejects: [luoti]}
      - luovasti
      - {term: "hyvin", rejects: ["augt hyvin"]}
  - category: neuroticism
    pole: low
    entries:
      - kasvuhuone
      - {term: "luovuu*", matches: [luovuus]}
      - {term: "droš*", matches: [drošs], rejects: [nedrošs]}
`),
	})
	var got []string
	for _, p := range set.Lexicon("xx").CheckExamples() {
		got = append(got, p.Error())
	}
	want := []string{
		`xx/a.yaml:10: example "kasvuhuone" of "kasvu*" does not reach openness/high in the full lexicon (it matches "kasvuhuone" (neuroticism/low))`,
		`xx/a.yaml:11: example "luovuutta" of "luov*" does not reach openness/high in the full lexicon (it matches "luovuu*" (neuroticism/low))`,
		`xx/a.yaml:13: reject "augt hyvin" of "hyvin" still fires it in the full lexicon`,
		`xx/a.yaml:19: reject "nedrošs" of "droš*" still fires it in the full lexicon through the negation prefix`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CheckExamples mismatch (-want +got):\n%s", diff)
	}
}

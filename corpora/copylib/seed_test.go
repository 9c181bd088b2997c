package copylib

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// TestEmbeddedSeed loads the shipped seed files and holds every language
// present to the coverage bar of seed/FORMAT.md.
func TestEmbeddedSeed(t *testing.T) {
	files, err := DefaultSeed()
	if err != nil {
		t.Fatalf("embedded seed: %v", err)
	}
	langs := map[string]bool{}
	for _, f := range files {
		langs[f.Lang] = true
		if !strings.HasPrefix(f.Path, "corpora/copylib/seed/") {
			t.Errorf("%s: errors would not name the file from the repository root", f.Path)
		}
	}
	if !langs["en"] {
		t.Fatal("no English seed")
	}
	for _, g := range CoverageGaps(files) {
		t.Errorf("seed below the bar: %s", g)
	}
	for _, f := range files {
		for _, v := range f.Variants {
			if v.Lang != f.Lang {
				t.Errorf("%s: %s has lang %q", f.Path, v.ID, v.Lang)
			}
		}
	}
	// Variety: every language spreads over all kinds and touchpoints.
	for lang := range langs {
		kinds, tps := map[string]int{}, map[string]int{}
		for _, f := range files {
			for _, v := range f.Variants {
				if v.Lang == lang {
					kinds[v.Kind]++
					tps[v.Touchpoint]++
				}
			}
		}
		for _, k := range Kinds {
			if kinds[k] == 0 {
				t.Errorf("%s seed has no %s", lang, k)
			}
		}
		for _, tp := range Touchpoints {
			if tps[tp] == 0 {
				t.Errorf("%s seed has nothing for %s", lang, tp)
			}
		}
	}
}

// TestEnglishSeedNoNearDuplicates guards against template copy: no two
// English texts share most of their words.
func TestEnglishSeedNoNearDuplicates(t *testing.T) {
	files, err := DefaultSeed()
	if err != nil {
		t.Fatal(err)
	}
	var vs []Variant
	for _, f := range files {
		if f.Lang == "en" {
			vs = append(vs, f.Variants...)
		}
	}
	for i := range vs {
		for j := i + 1; j < len(vs); j++ {
			if s := jaccard(wordSet(vs[i].Text), wordSet(vs[j].Text)); s > 0.5 {
				t.Errorf("%s and %s are near duplicates (%.2f)", vs[i].ID, vs[j].ID, s)
			}
		}
	}
}

const seedHeader = "id: copy-fi\nlang: fi\nversion: 1\nlicense: CC-BY-4.0\nsource: tests\n"

func TestParseSeedFileErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		file string
		body string
		want []string
	}{
		{"valid", "fi.yaml", seedHeader + `variants:
  - {id: fi-a, kind: cta, text: Aloita tänään, traits: [openness:high], mindset: growth, industries: [travel], touchpoint: push}
`, nil},
		{"missing header keys", "fi.yaml", "id: x\nvariants: []\n", []string{
			`fi.yaml:1: missing header key "lang"`, `fi.yaml:1: missing header key "version"`,
			`fi.yaml:1: missing header key "license"`, `fi.yaml:1: missing header key "source"`,
		}},
		{"unknown header key and no variants", "fi.yaml", seedHeader + "licence: x\n", []string{
			`fi.yaml:6: unknown key "licence" (want id, lang, version, license, source, description, variants)`,
			`fi.yaml:1: missing key "variants"`,
		}},
		{"lang and file name disagree", "fi.yaml", strings.Replace(seedHeader, "lang: fi", "lang: pl", 1) + "variants: []\n", []string{
			`fi.yaml:2: lang "pl" does not match the file name fi.yaml (want pl.yaml or pl-*.yaml)`,
		}},
		{"unsupported lang", "de.yaml", strings.Replace(seedHeader, "lang: fi", "lang: de", 1) + "variants: []\n", []string{
			`de.yaml:2: unsupported language "de": want one of en, fi, lv, pl`,
		}},
		{"variant problems name their lines", "fi-extra.yaml", seedHeader + `variants:
  - id: fi-a
    kind: poster
    text: Aloita
    traits:
      - openness:high
      - openness:low
    mindset: growth
    industries: [travel]
    touchpoint: push
  - id: a-wrong-prefix
    kind: cta
    text: x
    traits: [openness:high]
    mindset: growth
    industries: [travel]
    touchpoint: push
    version: 3
    colour: red
  - id: fi-a
    kind: cta
    text: Toinen
    traits: [openness:high]
    mindset: growth
    industries: [travel]
    touchpoint: push
  - just a string
`, []string{
			`fi-extra.yaml:8: variant "fi-a": kind: unknown value "poster": want one of cta, headline, subject_line, body, banner`,
			`fi-extra.yaml:12: variant "fi-a": traits[1]: "openness:low" contradicts "openness:high" (traits[0]): one pole per trait`,
			`fi-extra.yaml:23: "version" is set by the library; leave it out of seed files`,
			`fi-extra.yaml:24: unknown key "colour" (want id, lang, kind, text, traits, mindset, industries, touchpoint, tags)`,
			`fi-extra.yaml:25: duplicate id "fi-a" (also at fi-extra.yaml:7)`,
			`fi-extra.yaml:32: a variant must be a mapping with id, kind, text, traits, mindset, industries, touchpoint, tags`,
		}},
		{"wrong id prefix and lang", "fi.yaml", seedHeader + `variants:
  - {id: pl-a, lang: pl, kind: cta, text: x, traits: [openness:high], mindset: growth, industries: [travel], touchpoint: push}
`, []string{
			`fi.yaml:7: id "pl-a" must start with "fi-" so ids never collide across languages`,
			`fi.yaml:7: lang "pl" differs from the file's lang "fi"`,
		}},
		{"wrong shapes", "fi.yaml", seedHeader + `variants:
  - {id: fi-a, kind: [cta], text: x, traits: openness:high, mindset: growth, industries: [travel], touchpoint: push}
`, []string{
			`fi.yaml:7: kind must be a string`,
			`fi.yaml:7: traits must be a list, e.g. [openness:high]`,
		}},
		{"not yaml", "fi.yaml", "id: [unclosed\n", []string{"fi.yaml: yaml: line 1: did not find expected ',' or ']'"}},
		{"empty", "fi.yaml", "", []string{"fi.yaml:1: empty file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, got := ParseSeedFile(tc.file, []byte(tc.body))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadSeedCrossFile(t *testing.T) {
	v := func(id, tags string) string {
		return "  - {id: " + id + ", kind: cta, text: Teksti " + id + ", traits: [openness:high], mindset: dual, industries: [travel], touchpoint: push, tags: [" + tags + "]}\n"
	}
	fsys := fstest.MapFS{
		"fi.yaml":      {Data: []byte(seedHeader + "variants:\n" + v("fi-a", `"pair:p", "side:outcome"`) + v("fi-b", `"pair:p", "side:outcome"`) + v("fi-c", `"pair:q", "side:journey"`) + v("fi-d", `"pair:p", "side:outcome"`))},
		"fi-more.yaml": {Data: []byte(strings.Replace(seedHeader, "copy-fi", "copy-fi-more", 1) + "variants:\n" + v("fi-a", `"pair:r", "side:outcome"`))},
		"README.md":    {Data: []byte("not a seed")},
	}
	_, err := LoadSeed(fsys)
	var se *SeedError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want *SeedError", err)
	}
	want := []string{
		// fi-more.yaml sorts first, so its fi-a is the original.
		`fi.yaml:7: duplicate id "fi-a" (also at fi-more.yaml:7)`,
		`fi-more.yaml:7: pair "r" (fi) has 1 outcome and 0 journey halves; want exactly one of each`,
		`fi.yaml:8: pair "p" (fi) has 2 outcome and 0 journey halves; want exactly one of each`,
		`fi.yaml:9: pair "q" (fi) has 0 outcome and 1 journey halves; want exactly one of each`,
	}
	if diff := cmp.Diff(want, se.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestLoadSeedMissingFolder(t *testing.T) {
	if _, err := LoadSeed(os.DirFS(filepath.Join(t.TempDir(), "nope"))); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("err = %v", err)
	}
	if files, err := LoadSeed(os.DirFS(t.TempDir())); err != nil || len(files) != 0 {
		t.Errorf("an empty folder: %v, %v", files, err)
	}
}

func TestCoverage(t *testing.T) {
	files := fixtureSeed(t)
	cov := Coverage(files)
	if got := cov["pl"]["neuroticism:high/fixed"]; got != 3 {
		t.Errorf("pl neuroticism:high/fixed = %d, want 3", got)
	}
	if got := cov["pl"]["pairs"]; got != 1 {
		t.Errorf("pl pairs = %d, want 1", got)
	}
	if got := len(cov["pl"]); got != 21 {
		t.Errorf("pl has %d cells, want 20 pole×mindset cells + pairs", got)
	}
	gaps := CoverageGaps(files)
	if len(gaps) == 0 || gaps[0] != (CoverageGap{Lang: "en", Cell: "agreeableness:high/fixed", Have: 0, Want: MinPerPoleMindset}) {
		t.Errorf("first gap = %+v", gaps[:min(1, len(gaps))])
	}
}

func FuzzParseSeedFile(f *testing.F) {
	f.Add([]byte(seedHeader + "variants:\n  - {id: fi-a, kind: cta, text: x, traits: [openness:high], mindset: growth, industries: [travel], touchpoint: push}\n"))
	f.Add([]byte("id: [\n"))
	f.Add([]byte(seedHeader + "variants: {a: b}\n"))
	f.Add([]byte(seedHeader + "variants:\n  - {tags: [[1]], traits: {a: b}}\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		sf, problems := ParseSeedFile("fi.yaml", raw)
		if len(problems) > 0 {
			return
		}
		for _, v := range sf.Variants {
			if err := v.Validate(); err != nil {
				t.Fatalf("accepted an invalid variant %+v: %v", v, err)
			}
		}
	})
}

package lexicons

import (
	"os"
	"regexp"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Entry files built with entryFile have their body from line 6 on.
func TestLoadValidation(t *testing.T) {
	xxMods := modifiersFile("xx")
	enMods := modifiersFile("en")
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{
			name: "missing header key",
			files: map[string]string{
				"xx/modifiers.yaml": xxMods,
				"xx/a.yaml":         "id: xx-a\nlang: xx\nversion: 1\nsource: s\nsections: []\n",
			},
			want: []string{`xx/a.yaml:1: missing header key "license"`},
		},
		{
			name: "lang differs from folder and empty value",
			files: map[string]string{
				"xx/modifiers.yaml": xxMods,
				"xx/a.yaml":         "id: xx-a\nlang: yy\nversion: ''\nlicense: CC\nsource: s\nsections: []\n",
			},
			want: []string{
				`xx/a.yaml:2: lang "yy" does not match the folder "xx"`,
				`xx/a.yaml:3: header key "version" is empty`,
			},
		},
		{
			name: "lang not a code",
			files: map[string]string{
				"xx/modifiers.yaml": xxMods,
				"xx/a.yaml":         "id: xx-a\nlang: XX\nversion: 1\nlicense: CC\nsource: s\nsections: []\n",
			},
			want: []string{`xx/a.yaml:2: lang "XX" is not an ISO 639-1 code (two lowercase letters)`},
		},
		{
			name: "header value not a scalar",
			files: map[string]string{
				"xx/modifiers.yaml": xxMods,
				"xx/a.yaml":         "id: xx-a\nlang: xx\nversion: 1\nlicense: [a, b]\nsource: s\nsections: []\n",
			},
			want: []string{`xx/a.yaml:4: header key "license" must be a single value, not a list`},
		},
		{
			name: "unknown top-level key",
			files: map[string]string{
				"xx/modifiers.yaml": xxMods,
				"xx/a.yaml":         entryFile("xx", "xx-a", "sections: []\nwieght: 2\n"),
			},
			want: []string{`xx/a.yaml:7: unknown key "wieght" in an entry file (want id, lang, version, license, source, description, sections)`},
		},
		{
			name: "missing sections",
			files: map[string]string{
				"xx/modifiers.yaml": xxMods,
				"xx/a.yaml":         entryFile("xx", "xx-a", "description: d\n"),
			},
			want: []string{`xx/a.yaml:1: missing key "sections"`},
		},
		{
			name: "sections not a list",
			files: map[string]string{
				"xx/modifiers.yaml": xxMods,
				"xx/a.yaml":         entryFile("xx", "xx-a", "sections: openness\n"),
			},
			want: []string{`xx/a.yaml:6: sections must be a list, not the value "openness"`},
		},
		{
			name: "section problems",
			files: map[string]string{
				"xx/modifiers.yaml": xxMods,
				"xx/a.yaml": entryFile("xx", "xx-a", `sections:
  - category: opennes
    pole: high
    entries: [curious]
  - category: openness
    pole: fixed
    entries: [curious]
  - category: mindset
    pole: growth
    entires: [learn]
  - just a string
  - category: mindset
    pole: middle
    entries: [learn]
`),
			},
			want: []string{
				`xx/a.yaml:7: unknown category "opennes" (want openness, conscientiousness, extraversion, agreeableness, neuroticism, mindset)`,
				`xx/a.yaml:11: unknown pole "fixed" for openness (want high or low)`,
				`xx/a.yaml:13: section has no "entries"`,
				`xx/a.yaml:15: unknown key "entires" in a section (want category, pole, entries)`,
				`xx/a.yaml:16: a section must be a mapping with category, pole and entries, not the value "just a string"`,
				`xx/a.yaml:18: unknown pole "middle" for mindset (want fixed or growth)`,
			},
		},
		{
			name: "entry keys and weights",
			files: map[string]string{
				"xx/modifiers.yaml": xxMods,
				"xx/a.yaml": entryFile("xx", "xx-a", `sections:
  - category: openness
    pole: high
    entries:
      - {term: curious, wieght: 2}
      - {weight: 2}
      - [a, list]
      - {term: bold, weight: 0}
      - {term: brave, weight: 3.5}
      - {term: keen, weight: high}
      - {term: open, weight: -1}
      - {term: eager, weight: 3}
      - {term: artsy, note: [x]}
      - {term: dreamy, weight: .nan}
      - {term: [x]}
`),
			},
			want: []string{
				`xx/a.yaml:10: unknown key "wieght" in an entry (want term, weight, matches, rejects, note)`,
				`xx/a.yaml:11: entry has no "term"`,
				`xx/a.yaml:12: an entry must be a term or a mapping with "term", not a list`,
				`xx/a.yaml:13: weight 0 is out of range (0 < weight <= 3)`,
				`xx/a.yaml:14: weight 3.5 is out of range (0 < weight <= 3)`,
				`xx/a.yaml:15: weight must be a number, not "high"`,
				`xx/a.yaml:16: weight -1 is out of range (0 < weight <= 3)`,
				`xx/a.yaml:18: note must be a single value, not a list`,
				`xx/a.yaml:19: weight must be a finite number, not ".nan"`,
				`xx/a.yaml:20: term must be a single value, not a list`,
			},
		},
		{
			name: "malformed terms",
			files: map[string]string{
				"en/modifiers.yaml": enMods,
				"en/a.yaml": entryFile("en", "en-a", `sections:
  - category: openness
    pole: high
    entries:
      - ""
      - " luov*"
      - "a  b"
      - "lu*ov"
      - "Luov*"
      - "one two three four five six seven"
      - "luov?"
      - "-self"
      - "self-*"
      - "can’t"
      - "lu*"
      - "top 10"
      - "a\tb"
      - "one two three four five six"
      - "self-made"
      - "can't"
      - "*"
`),
			},
			want: []string{
				`en/a.yaml:10: empty term`,
				`en/a.yaml:11: term " luov*" has spaces at the ends`,
				`en/a.yaml:12: term "a  b" has double spaces`,
				`en/a.yaml:13: term "lu*ov" has "*" inside a word ("*" may only end a word)`,
				`en/a.yaml:14: term "Luov*" must be lowercase`,
				`en/a.yaml:15: term "one two three four five six seven" has 7 words (at most 6)`,
				`en/a.yaml:16: term "luov?" has the character '?' (words are letters with inner "-" or "'")`,
				`en/a.yaml:17: term "-self" has '-' at the edge of a word ("-" and "'" may only be inside a word)`,
				`en/a.yaml:18: term "self-*" has '-' before "*" (a stem ends with a letter)`,
				`en/a.yaml:19: term "can’t" is not in folded form (NFC, straight apostrophes); write "can't"`,
				`en/a.yaml:20: stem "lu*" is shorter than 3 letters`,
				`en/a.yaml:21: term "top 10" has the character '1' (words are letters with inner "-" or "'")`,
				`en/a.yaml:22: term "a\tb" has the character '\t' (words are letters with inner "-" or "'")`,
				`en/a.yaml:26: stem "*" is shorter than 3 letters`,
			},
		},
		{
			name: "stems and examples",
			files: map[string]string{
				"xx/modifiers.yaml": xxMods,
				"xx/a.yaml": entryFile("xx", "xx-a", `sections:
  - category: openness
    pole: high
    entries:
      - {term: "aug*", matches: [augt]}
      - {term: "luov*"}
      - term: "avoime* uusille"
        matches:
          - Avoimena uusille
          - avoin uusille
        rejects:
          - avoimet vanhoille
          - avoimet uusille
          - ""
      - {term: "kasvu", matches: [kasvu, kasvua], rejects: [kasvot]}
      - {term: "aug* hyvin", matches: ["augt hyvin"], rejects: ["augt"]}
      - {term: "aug* hyvin", matches: ["augt hyvin"]}
`),
			},
			want: []string{
				`xx/a.yaml:10: stem "aug*" has only 3 letters and needs rejects (look-alike words it must not match)`,
				`xx/a.yaml:11: "luov*" needs matches: real inflected forms the stem must match`,
				`xx/a.yaml:15: "avoime* uusille" does not match its example "avoin uusille"`,
				`xx/a.yaml:18: "avoime* uusille" matches its reject "avoimet uusille"`,
				`xx/a.yaml:19: empty example in rejects`,
				`xx/a.yaml:20: "kasvu" does not match its example "kasvua"`,
				`xx/a.yaml:22: stem "aug*" in "aug* hyvin" has only 3 letters and needs rejects (look-alike words it must not match)`,
			},
		},
		{
			name: "duplicates and conflicts across files",
			files: map[string]string{
				"en/modifiers.yaml": enMods,
				"en/a.yaml": entryFile("en", "en-a", `sections:
  - category: openness
    pole: high
    entries:
      - curious
      - creative
  - category: extraversion
    pole: high
    entries:
      - curious
`),
				"en/b.yaml": entryFile("en", "en-b", `sections:
  - category: openness
    pole: high
    entries:
      - curious
  - category: openness
    pole: low
    entries:
      - creative
      - dull
      - {term: dull, weight: 2}
`),
			},
			want: []string{
				`en/b.yaml:10: duplicate entry "curious" (also at en/a.yaml:10)`,
				`en/b.yaml:14: conflict: "creative" is openness/low here and openness/high at en/a.yaml:11`,
				`en/b.yaml:16: duplicate entry "dull" (also at en/b.yaml:15)`,
			},
		},
		{
			name: "modifier problems",
			files: map[string]string{
				"xx/modifiers.yaml": header("xx-modifiers", "xx") + `negators: [not, Not, "no way", not, ""]
negation_prefixes: ["n'"]
negation_window: 0
scope_breakers: but
intensifiers: {very: 0.5, really: 1.5, so: much, "can’t": 2}
diminishers: {slightly: 1.5, really: 0.5, bit: 0.6}
boosters: {x: 2}
`,
			},
			want: []string{
				`xx/modifiers.yaml:6: negator "Not" must be lowercase`,
				`xx/modifiers.yaml:6: negator "no way" must be a single word`,
				`xx/modifiers.yaml:6: duplicate negator "not" (also at line 6)`,
				`xx/modifiers.yaml:6: empty negator`,
				`xx/modifiers.yaml:7: negation prefix "n'" must be letters only`,
				`xx/modifiers.yaml:8: negation_window 0 is out of range (a whole number from 1 to 10)`,
				`xx/modifiers.yaml:9: scope breakers must be a list, not the value "but"`,
				`xx/modifiers.yaml:10: intensifier "very" has factor 0.5; intensifiers are > 1 and <= 3`,
				`xx/modifiers.yaml:10: the factor of intensifier "so" must be a number, not "much"`,
				`xx/modifiers.yaml:10: intensifier "can’t" is not in folded form (NFC, straight apostrophes); write "can't"`,
				`xx/modifiers.yaml:11: diminisher "slightly" has factor 1.5; diminishers are > 0 and < 1`,
				`xx/modifiers.yaml:11: diminisher "really" is listed twice among intensifiers and diminishers (also at line 10)`,
				`xx/modifiers.yaml:12: unknown key "boosters" in the modifier file (want id, lang, version, license, source, description, negators, negation_prefixes, negation_window, scope_breakers, intensifiers, diminishers)`,
			},
		},
		{
			name:  "negation window not whole",
			files: map[string]string{"xx/modifiers.yaml": header("xx-modifiers", "xx") + "negation_window: 2.5\n"},
			want:  []string{`xx/modifiers.yaml:6: negation_window 2.5 is out of range (a whole number from 1 to 10)`},
		},
		{
			name:  "negation window not a number",
			files: map[string]string{"xx/modifiers.yaml": header("xx-modifiers", "xx") + "negation_window: three\n"},
			want:  []string{`xx/modifiers.yaml:6: negation_window must be a number, not "three"`},
		},
		{
			name: "modifier keys in an entry file",
			files: map[string]string{
				"xx/modifiers.yaml": xxMods,
				"xx/a.yaml":         entryFile("xx", "xx-a", "sections: []\nnegators: [ei]\n"),
			},
			want: []string{`xx/a.yaml:7: unknown key "negators" in an entry file (want id, lang, version, license, source, description, sections)`},
		},
		{
			name: "YAML syntax error",
			files: map[string]string{
				"xx/modifiers.yaml": xxMods,
				"xx/a.yaml":         entryFile("xx", "xx-a", "sections:\n  - category: [openness\n"),
			},
			want: []string{`xx/a.yaml:6: invalid YAML: did not find expected ',' or ']'`},
		},
		{
			name: "empty file and comment-only file",
			files: map[string]string{
				"xx/modifiers.yaml": xxMods,
				"xx/a.yaml":         "",
				"xx/b.yaml":         "# nothing yet\n",
			},
			want: []string{`xx/a.yaml:1: empty file`, `xx/b.yaml:1: empty file`},
		},
		{
			name: "top level is a list",
			files: map[string]string{
				"xx/modifiers.yaml": xxMods,
				"xx/a.yaml":         "- a\n- b\n",
			},
			want: []string{`xx/a.yaml:1: the file must be a mapping of keys (id, lang, ...), not a list`},
		},
		{
			name: "two documents",
			files: map[string]string{
				"xx/modifiers.yaml": xxMods,
				"xx/a.yaml":         entryFile("xx", "xx-a", "sections: []\n---\nid: other\n"),
			},
			want: []string{`xx/a.yaml:7: a lexicon file holds one YAML document (found another)`},
		},
		{
			name: "alias",
			files: map[string]string{
				"xx/modifiers.yaml": xxMods,
				"xx/a.yaml": entryFile("xx", "xx-a",
					"sections:\n  - &s {category: openness, pole: high, entries: [a]}\n  - *s\n"),
			},
			want: []string{`xx/a.yaml:8: YAML aliases (*s) are not supported; write the value out`},
		},
		{
			name: "duplicate key",
			files: map[string]string{
				"xx/modifiers.yaml": xxMods,
				"xx/a.yaml":         entryFile("xx", "xx-a", "sections: []\nsections: []\n"),
			},
			want: []string{`xx/a.yaml:7: duplicate key "sections" in an entry file (also at line 6)`},
		},
		{
			name: "duplicate file id",
			files: map[string]string{
				"xx/modifiers.yaml": xxMods,
				"xx/a.yaml":         entryFile("xx", "xx-a", "sections: []\n"),
				"xx/b.yaml":         entryFile("xx", "xx-a", "sections: []\n"),
			},
			want: []string{`xx/b.yaml:1: duplicate id "xx-a" (also at xx/a.yaml:1)`},
		},
		{
			name: "yml extension",
			files: map[string]string{
				"xx/modifiers.yaml": xxMods,
				"xx/a.yml":          entryFile("xx", "xx-a", "sections: []\n"),
			},
			want: []string{`xx/a.yml: lexicon files must end in .yaml (this file would be ignored)`},
		},
		{
			name:  "missing modifier file",
			files: map[string]string{"xx/a.yaml": entryFile("xx", "xx-a", "sections: []\n")},
			want:  []string{`xx/modifiers.yaml: missing: the folder xx/ has entry files but no modifiers.yaml`},
		},
		{
			name:  "files in the root",
			files: map[string]string{"openness.yaml": entryFile("xx", "xx-a", "sections: []\n")},
			want:  []string{`openness.yaml: lexicon files belong in a language folder (<lang>/openness.yaml); is the root one level too deep?`},
		},
		{
			name:  "nothing to load",
			files: map[string]string{"README.md": "hello", "xx/notes.txt": "later"},
			want:  []string{`.: no lexicon found: the root must hold language folders (en/, fi/, ...) of .yaml files`},
		},
		{
			name: "problems in two languages are all reported",
			files: map[string]string{
				"xx/modifiers.yaml": xxMods,
				"xx/a.yaml":         entryFile("xx", "xx-a", "sections: []\nfoo: 1\n"),
				"yy/modifiers.yaml": header("yy-modifiers", "yy") + "negation_window: 99\n",
			},
			want: []string{
				`xx/a.yaml:7: unknown key "foo" in an entry file (want id, lang, version, license, source, description, sections)`,
				`yy/modifiers.yaml:6: negation_window 99 is out of range (a whole number from 1 to 10)`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := Load(mapFS(tt.files))
			if set != nil {
				t.Errorf("Load returned a Set despite errors")
			}
			if diff := cmp.Diff(tt.want, errLines(err)); diff != "" {
				t.Errorf("Load errors mismatch (-want +got):\n%s", diff)
			}
			if err != nil && !allValidationErrors(err) {
				t.Errorf("Load error %v holds something other than *ValidationError", err)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	files := map[string]string{
		"xx/modifiers.yaml": header("xx-modifiers", "xx") + `negators: [ei, "n't"]
negation_prefixes: [ne, epä]
negation_window: 4
scope_breakers: [mutta]
intensifiers: {erittäin: 1.5}
diminishers: {hieman: 0.5}
`,
		"xx/b.yaml": entryFile("xx", "xx-b", `description: second file
sections:
  - category: mindset
    pole: growth
    entries:
      - {term: "kasvu*", weight: 1.5, matches: [kasvua], rejects: [kasvot], note: not kasvot (face)}
`),
		"xx/a.yaml": entryFile("xx", "xx-a", `sections:
  - category: openness
    pole: high
    entries:
      - utelias
      - {term: "uusia kokemuksia", weight: 2}
  - category: extraversion
    pole: high
    entries: [utelias]
`),
		"xx/README.md": "ignored",
		"zz/notes.txt": "a folder without .yaml files is skipped",
	}
	set := mustLoad(t, files)
	if diff := cmp.Diff([]string{"xx"}, set.Languages()); diff != "" {
		t.Errorf("Languages mismatch (-want +got):\n%s", diff)
	}
	if set.Lexicon("zz") != nil || set.Lexicon("en") != nil {
		t.Error("Lexicon returned a lexicon for a language without one")
	}
	lex := set.Lexicon("xx")
	want := &Lexicon{
		Lang: "xx",
		Files: []FileInfo{
			{Path: "xx/a.yaml", ID: "xx-a", Lang: "xx", Version: "2026.11.1", License: "CC-BY-4.0", Source: "written for the lexicons tests"},
			{Path: "xx/b.yaml", ID: "xx-b", Lang: "xx", Version: "2026.11.1", License: "CC-BY-4.0", Source: "written for the lexicons tests", Description: "second file"},
			{Path: "xx/modifiers.yaml", ID: "xx-modifiers", Lang: "xx", Version: "2026.11.1", License: "CC-BY-4.0", Source: "written for the lexicons tests"},
		},
		Entries: []Entry{
			{Term: "utelias", Category: Openness, Pole: High, Weight: 1, File: "xx/a.yaml", Line: 10},
			{Term: "uusia kokemuksia", Category: Openness, Pole: High, Weight: 2, File: "xx/a.yaml", Line: 11},
			{Term: "utelias", Category: Extraversion, Pole: High, Weight: 1, File: "xx/a.yaml", Line: 14},
			{Term: "kasvu*", Category: Mindset, Pole: Growth, Weight: 1.5, Matches: []string{"kasvua"}, Rejects: []string{"kasvot"},
				Note: "not kasvot (face)", File: "xx/b.yaml", Line: 11},
		},
		Modifiers: Modifiers{
			Negators:         map[string]bool{"ei": true, "n't": true},
			NegationPrefixes: []string{"ne", "epä"},
			NegationWindow:   4,
			ScopeBreakers:    map[string]bool{"mutta": true},
			Intensifiers:     map[string]float64{"erittäin": 1.5, "hieman": 0.5},
		},
	}
	if diff := cmp.Diff(want, lex, cmpopts.IgnoreUnexported(Lexicon{})); diff != "" {
		t.Errorf("Lexicon mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want.Files, set.Files()); diff != "" {
		t.Errorf("Files mismatch (-want +got):\n%s", diff)
	}
	wantCounts := map[Category]map[Pole]int{Openness: {High: 2}, Extraversion: {High: 1}, Mindset: {Growth: 1}}
	if diff := cmp.Diff(wantCounts, lex.Counts()); diff != "" {
		t.Errorf("Counts mismatch (-want +got):\n%s", diff)
	}
}

func TestLoadDefaultsOfModifiers(t *testing.T) {
	lex := mustLoad(t, map[string]string{"xx/modifiers.yaml": header("xx-modifiers", "xx")}).Lexicon("xx")
	want := Modifiers{Negators: map[string]bool{}, NegationWindow: 3, ScopeBreakers: map[string]bool{}, Intensifiers: map[string]float64{}}
	if diff := cmp.Diff(want, lex.Modifiers); diff != "" {
		t.Errorf("Modifiers mismatch (-want +got):\n%s", diff)
	}
}

func TestVersion(t *testing.T) {
	files := map[string]string{
		"xx/modifiers.yaml": modifiersFile("xx"),
		"xx/a.yaml":         entryFile("xx", "xx-a", "sections:\n  - {category: openness, pole: high, entries: [utelias]}\n"),
	}
	v1 := mustLoad(t, files).Version()
	if !regexp.MustCompile(`^2026\.11-[0-9a-f]{6}$`).MatchString(v1) {
		t.Fatalf("Version() = %q, want 2026.11- and 6 hex digits", v1)
	}
	if v := mustLoad(t, files).Version(); v != v1 {
		t.Errorf("Version changed between identical loads: %q, %q", v1, v)
	}
	files["xx/a.yaml"] += "# a comment is content too\n"
	if v := mustLoad(t, files).Version(); v == v1 {
		t.Errorf("Version did not change when a file changed: %q", v)
	}
	renamed := map[string]string{"xx/modifiers.yaml": files["xx/modifiers.yaml"], "xx/b.yaml": files["xx/a.yaml"]}
	v2 := mustLoad(t, files).Version()
	if v := mustLoad(t, renamed).Version(); v == v2 {
		t.Errorf("Version did not change when a file was renamed: %q", v)
	}
}

func TestLoadFixture(t *testing.T) {
	set := fixture(t)
	if diff := cmp.Diff([]string{"en", "fi", "lv", "pl"}, set.Languages()); diff != "" {
		t.Errorf("Languages mismatch (-want +got):\n%s", diff)
	}
	lv := set.Lexicon("lv").Modifiers
	if diff := cmp.Diff([]string{"ne"}, lv.NegationPrefixes); diff != "" {
		t.Errorf("lv negation prefixes mismatch (-want +got):\n%s", diff)
	}
	if lv.Intensifiers["ļoti"] != 1.5 || lv.Intensifiers["mazliet"] != 0.6 || lv.NegationWindow != 4 {
		t.Errorf("lv modifiers = %+v", lv)
	}
	if got := len(set.Files()); got != 8 {
		t.Errorf("len(Files()) = %d, want 8", got)
	}
}

func TestDefaultLoads(t *testing.T) {
	set, err := Default()
	if err != nil {
		t.Fatalf("the embedded lexicons do not load:\n%v", err)
	}
	again, _ := Default()
	if again != set {
		t.Error("Default loaded twice")
	}
	if set.Lexicon("testdata") != nil {
		t.Error("Default loaded testdata as a language")
	}
	for _, lang := range set.Languages() {
		t.Logf("%s: %d entries in %d files, counts %v", lang, len(set.Lexicon(lang).Entries),
			len(set.Lexicon(lang).Files), set.Lexicon(lang).Counts())
	}
}

func TestLoadReadError(t *testing.T) {
	_, err := Load(fstest.MapFS{"xx": &fstest.MapFile{Data: []byte("not a folder")}})
	if diff := cmp.Diff([]string{`.: no lexicon found: the root must hold language folders (en/, fi/, ...) of .yaml files`}, errLines(err)); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	_, err = Load(os.DirFS("/nonexistent-lexicons"))
	if err == nil || !allValidationErrors(err) {
		t.Errorf("Load of a missing folder = %v, want a *ValidationError", err)
	}
}

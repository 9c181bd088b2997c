package lexicons

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sampleDic is a small .dic written for these tests: BOM, CRLF, tabs and
// spaces, comments, a phrase, unknown ids, an unmapped category.
const sampleDic = "\ufeff%\r\n" + // 1
	"1\topenness_high\r\n" + // 2
	"2   posemo\r\n" + // 3
	"3\tMindset:Growth\r\n" + // 4
	"4\tfunct\r\n" + // 5
	"# a comment\r\n" + // 6
	"%\r\n" + // 7
	"\r\n" + // 8
	"curious\t1\r\n" + // 9
	"learn*\t3\r\n" + // 10
	"// another comment\r\n" + // 11
	"kind of\t1 2\r\n" + // 12
	"happy 2 9\r\n" + // 13
	"the\t4\r\n" + // 14
	"Happy\t2\r\n" + // 15
	":)\t2\r\n" + // 16
	"lonely\r\n" + // 17
	"grow* 3 3\r\n" + // 18
	"lea*\t3\r\n" // 19

var sampleMap = ImportOptions{Map: map[string]string{"POSEMO": "agreeableness:high"}}

func TestImportDic(t *testing.T) {
	tests := []struct {
		name  string
		input string
		opt   ImportOptions
		want  *Imported
	}{
		{
			name:  "header forms, BOM, CRLF, tabs, spaces, comments",
			input: sampleDic,
			opt:   sampleMap,
			want: &Imported{
				Name: "t.dic",
				Entries: []ImportedEntry{
					{"curious", Openness, High, 1, 9},
					{"learn*", Mindset, Growth, 1, 10},
					{"kind of", Openness, High, 1, 12},
					{"kind of", Agreeableness, High, 1, 12},
					{"happy", Agreeableness, High, 1, 13},
					{"grow*", Mindset, Growth, 1, 18},
					{"lea*", Mindset, Growth, 1, 19},
				},
				Skipped: []string{
					`line 5: category "funct" (id 4) maps to none of ours; its terms are skipped`,
					`line 13: unknown category id 9`,
					`line 15: "happy" is already in agreeableness/high (line 13); skipped`,
					`line 16: skipped: term ":)" has the character ':' (words are letters with inner "-" or "'")`,
					`line 17: "lonely" has no category ids`,
					`line 18: "grow*" is already in mindset/growth (line 18); skipped`,
				},
			},
		},
		{
			name:  "conflict and category line problems",
			input: "%\n1\n1 a_b\n2 openness-high\n2 openness_low\n3 OPENNESS_LOW\n%\ndull 3\ndull\t2\nshort*\t2\n",
			want: &Imported{
				Name: "t.dic",
				Entries: []ImportedEntry{
					{"dull", Openness, Low, 1, 8},
					{"short*", Openness, High, 1, 10},
				},
				Skipped: []string{
					`line 2: a category line needs an id and a name: "1"`,
					`line 3: category "a_b" (id 1) maps to none of ours; its terms are skipped`,
					`line 5: category id 2 is already "openness-high"`,
					`line 9: conflict: "dull" is openness/high here and openness/low at line 8; skipped`,
				},
			},
		},
		{
			name:  "a mapping to nothing skips a category that names one of ours",
			input: "%\n1 openness_high\n%\ncurious 1\n",
			opt:   ImportOptions{Map: map[string]string{"openness_high": ""}},
			want: &Imported{
				Name:    "t.dic",
				Skipped: []string{`line 2: category "openness_high" (id 1) maps to none of ours; its terms are skipped`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ImportDic(strings.NewReader(tt.input), "t.dic", tt.opt)
			if err != nil {
				t.Fatalf("ImportDic: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ImportDic mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestImportDicErrors(t *testing.T) {
	tests := []struct {
		name  string
		input string
		opt   ImportOptions
		want  string
	}{
		{"empty", "", ImportOptions{}, `t.dic:1: no category header (a line holding only "%")`},
		{"blank lines only", "\n\n", ImportOptions{}, `t.dic:2: no category header (a line holding only "%")`},
		{"no header", "curious\t1\n", ImportOptions{}, `t.dic:1: a .dic file starts with a line holding only "%" (the category header), found "curious\t1"`},
		{"unclosed header", "%\n1 openness_high\n", ImportOptions{}, `t.dic:2: the category header opened at line 1 is never closed with "%"`},
		{"line too long", "%\n1 openness_high\n%\n" + strings.Repeat("a", maxImportLine+1) + "\n", ImportOptions{}, `t.dic:4: line longer than 1048576 bytes`},
		{"bad map", "%\n%\n", ImportOptions{Map: map[string]string{"posemo": "agreeable:high"}}, `ImportOptions.Map["posemo"] = "agreeable:high": want category:pole, e.g. agreeableness:high`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ImportDic(strings.NewReader(tt.input), "t.dic", tt.opt)
			if err == nil {
				t.Fatalf("ImportDic = %+v, want error %q", got, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("ImportDic error = %q, want %q", err, tt.want)
			}
		})
	}
	_, err := ImportDic(iotest.ErrReader(errors.New("disk gone")), "t.dic", ImportOptions{})
	if err == nil || err.Error() != "t.dic:1: disk gone" {
		t.Errorf("ImportDic(failing reader) error = %v, want t.dic:1: disk gone", err)
	}
}

const sampleDicx = "\ufeffDicTerm,Openness_High,posemo,funct,,mindset:fixed\r\n" + // 1
	"curious,X,,,,\r\n" + // 2
	"happy,,1.5,,,\r\n" + // 3
	"# comment\r\n" + // 4
	"\"kind of\",x,x,X,,\r\n" + // 5
	"proven,,,,,2\r\n" + // 6
	"best,,,,,7\r\n" + // 7
	"top,,,,,yes\r\n" + // 8
	"odd,x,,,,,x\r\n" + // 9
	"\r\n" + // 10
	"weird!,x\r\n" + // 11
	"short\r\n" // 12

func TestImportDicx(t *testing.T) {
	got, err := ImportDicx(strings.NewReader(sampleDicx), "t.dicx", sampleMap)
	if err != nil {
		t.Fatalf("ImportDicx: %v", err)
	}
	want := &Imported{
		Name: "t.dicx",
		Entries: []ImportedEntry{
			{"curious", Openness, High, 1, 2},
			{"happy", Agreeableness, High, 1.5, 3},
			{"kind of", Openness, High, 1, 5},
			{"kind of", Agreeableness, High, 1, 5},
			{"proven", Mindset, Fixed, 2, 6},
			{"odd", Openness, High, 1, 9},
		},
		Skipped: []string{
			`line 1: category "funct" (column 4) maps to none of ours; its column is skipped`,
			`line 1: column 5 has no category name; skipped`,
			`line 7: weight 7 for "best" in column "mindset:fixed" is out of range (0 < weight <= 3)`,
			`line 8: cell "yes" for "top" in column "mindset:fixed" is neither X nor a number`,
			`line 9: "odd" has more cells than the header has columns; the extra cells are skipped`,
			`line 11: skipped: term "weird!" has the character '!' (words are letters with inner "-" or "'")`,
			`line 12: "short" is in no category (no cell is filled)`,
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ImportDicx mismatch (-want +got):\n%s", diff)
	}
}

func TestImportDicxErrors(t *testing.T) {
	tests := []struct{ name, input, want string }{
		{"empty", "", `t.dicx:1: empty file (want a header row starting with DicTerm)`},
		{"wrong header", "Term,posemo\nhappy,X\n", `t.dicx:1: the header row must start with DicTerm, found "Term"`},
		{"unterminated quote", "DicTerm,openness_high\n\"curious,X\n", `t.dicx:2: invalid CSV: extraneous or missing " in quoted-field`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ImportDicx(strings.NewReader(tt.input), "t.dicx", ImportOptions{})
			if err == nil {
				t.Fatalf("ImportDicx = %+v, want error %q", got, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("ImportDicx error = %q, want %q", err, tt.want)
			}
		})
	}
}

// loadImported writes im as lang/imported.yaml and loads it.
func loadImported(t *testing.T, im *Imported, lang string) (*Lexicon, []byte) {
	t.Helper()
	var buf bytes.Buffer
	hdr := FileInfo{ID: lang + "-imported", Lang: lang, Version: "2026.11.1", License: "CC-BY-4.0",
		Source: "Imported for the lexicons tests: from a test dictionary."}
	if err := im.WriteYAML(&buf, hdr); err != nil {
		t.Fatalf("WriteYAML: %v", err)
	}
	set, err := Load(mapFS(map[string]string{
		lang + "/modifiers.yaml": modifiersFile(lang),
		lang + "/imported.yaml":  buf.String(),
	}))
	if err != nil {
		t.Fatalf("the written file does not load: %v\n%s", err, buf.String())
	}
	return set.Lexicon(lang), buf.Bytes()
}

func TestImportRoundTrip(t *testing.T) {
	type row struct {
		Term     string
		Category Category
		Pole     Pole
		Weight   float64
	}
	rows := func(lex *Lexicon) []row {
		var out []row
		for _, e := range lex.Entries {
			out = append(out, row{e.Term, e.Category, e.Pole, e.Weight})
		}
		return out
	}
	dic, err := ImportDic(strings.NewReader(sampleDic), "t.dic", sampleMap)
	if err != nil {
		t.Fatal(err)
	}
	dicx, err := ImportDicx(strings.NewReader(sampleDicx), "t.dicx", sampleMap)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		im   *Imported
		lang string
		want []row
	}{
		{"dic into English keeps stems, not 3-letter ones", dic, "en", []row{
			{"curious", Openness, High, 1},
			{"kind of", Openness, High, 1},
			{"kind of", Agreeableness, High, 1},
			{"happy", Agreeableness, High, 1},
			{"learn*", Mindset, Growth, 1},
			{"grow*", Mindset, Growth, 1},
		}},
		{"dic into Finnish leaves stems as comments", dic, "fi", []row{
			{"curious", Openness, High, 1},
			{"kind of", Openness, High, 1},
			{"kind of", Agreeableness, High, 1},
			{"happy", Agreeableness, High, 1},
		}},
		{"dicx with weights", dicx, "en", []row{
			{"curious", Openness, High, 1},
			{"kind of", Openness, High, 1},
			{"odd", Openness, High, 1},
			{"happy", Agreeableness, High, 1.5},
			{"kind of", Agreeableness, High, 1},
			{"proven", Mindset, Fixed, 2},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lex, _ := loadImported(t, tt.im, tt.lang)
			if diff := cmp.Diff(tt.want, rows(lex)); diff != "" {
				t.Errorf("loaded entries mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestWriteYAMLGolden pins the written form, pending stems included.
// Regenerate with go test ./lexicons -run WriteYAMLGolden -update.
func TestWriteYAMLGolden(t *testing.T) {
	dic, err := ImportDic(strings.NewReader(sampleDic), "t.dic", sampleMap)
	if err != nil {
		t.Fatal(err)
	}
	_, got := loadImported(t, dic, "fi")
	const golden = "testdata/import_golden.yaml"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("WriteYAML output differs from %s (-want +got):\n%s", golden, diff)
	}
	for _, s := range []string{`# - "learn*"  # needs matches (real inflected forms) (line 10)`,
		`# - "lea*"  # needs rejects (3-letter stem) and matches (line 19)`} {
		if !strings.Contains(string(got), s) {
			t.Errorf("output lacks the pending line %s", s)
		}
	}
}

func TestWriteYAMLHeader(t *testing.T) {
	im := &Imported{Name: "x"}
	good := FileInfo{ID: "en-x", Lang: "en", Version: "1", License: "CC-BY-4.0", Source: "test"}
	tests := []struct {
		name string
		edit func(*FileInfo)
		want string
	}{
		{"no id", func(h *FileInfo) { h.ID = "" }, "WriteYAML: header id is empty"},
		{"blank source", func(h *FileInfo) { h.Source = "  " }, "WriteYAML: header source is empty"},
		{"bad lang", func(h *FileInfo) { h.Lang = "eng" }, `WriteYAML: lang "eng" is not an ISO 639-1 code (two lowercase letters)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := good
			tt.edit(&h)
			err := im.WriteYAML(&bytes.Buffer{}, h)
			if err == nil || err.Error() != tt.want {
				t.Errorf("WriteYAML error = %v, want %q", err, tt.want)
			}
		})
	}
	// An empty import still writes a file that loads.
	lex, _ := loadImported(t, im, "en")
	if len(lex.Entries) != 0 {
		t.Errorf("empty import loaded %d entries", len(lex.Entries))
	}
}

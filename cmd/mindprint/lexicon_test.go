package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLexiconLintAndImport(t *testing.T) {
	code, out, errOut := runCLI(t, "", nil, "lexicon", "lint")
	if code != 0 || !strings.Contains(out, "no problems found") || !strings.Contains(out, "fi") {
		t.Fatalf("lint of the embedded lexicons: exit %d\n%s%s", code, out, errOut)
	}

	dir := t.TempDir()
	dic := filepath.Join(dir, "mine.dic")
	// A BOM, CRLF line ends, a mapped and an unmapped category.
	if err := os.WriteFile(dic, []byte("\ufeff%\r\n1\topenness_high\r\n2\tposemo\r\n%\r\ncurious*\t1\r\nhappy\t2\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	yml := filepath.Join(dir, "en", "mine.yaml")
	if err := os.MkdirAll(filepath.Dir(yml), 0o755); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI(t, "", nil, "lexicon", "import", "--lang", "en", "--id", "en-mine",
		"--map", "posemo=agreeableness:high", "--out", yml, dic)
	if code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	data, err := os.ReadFile(yml)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"id: en-mine", "category: openness", "category: agreeableness", "happy"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("imported YAML lacks %q:\n%s", want, data)
		}
	}
	// The imported file lints cleanly as part of a lexicon folder with modifiers.
	mods := "id: en-mod\nlang: en\nversion: \"1\"\nlicense: CC0\nsource: test\nnegators: [not]\n"
	if err := os.WriteFile(filepath.Join(dir, "en", "modifiers.yaml"), []byte(mods), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCLI(t, "", nil, "lexicon", "lint", dir)
	if code != 0 || !strings.Contains(out, "no problems found") || !strings.Contains(out, "agreeableness") {
		t.Errorf("lint of the imported lexicon: exit %d\n%s%s", code, out, errOut)
	}

	code, _, errOut = runCLI(t, "", nil, "lexicon", "import", "--lang", "en", dic)
	if code != 2 || !strings.Contains(errOut, "need --lang, --id") {
		t.Errorf("import without --id: exit %d, %q", code, errOut)
	}
	bad := filepath.Join(dir, "bad")
	os.MkdirAll(filepath.Join(bad, "fi"), 0o755)
	os.WriteFile(filepath.Join(bad, "fi", "x.yaml"), []byte("id: x\nlang: fi\nversion: 1\nlicense: l\nsource: s\nsections:\n  - category: openness\n    pole: sideways\n    entries: [luova]\n"), 0o644)
	code, _, errOut = runCLI(t, "", nil, "lexicon", "lint", bad)
	if code != 1 || !strings.Contains(errOut, "fi/x.yaml:8:") {
		t.Errorf("lint of a bad folder: exit %d, %q; want exit 1 naming fi/x.yaml:8", code, errOut)
	}
}

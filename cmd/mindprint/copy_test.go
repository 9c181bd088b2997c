package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mindprint/mindprint/corpora/copylib"
)

const cliLine = `{"id":"pl-cli-1","lang":"pl","kind":"cta","text":"Poczuj się bezpiecznie w nowym domu","traits":["neuroticism:high"],"mindset":"fixed","industries":["insurance"],"touchpoint":"email","tags":["safety"]}`

// noSeed is an empty seed folder, so the tests see only their own copy.
func noSeed(t *testing.T) string { return t.TempDir() }

func TestCopyCLIRoundTrip(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"MINDPRINT_DATA": dir, "MINDPRINT_COPY_SEED": noSeed(t)}

	in := cliLine + "\n" + `{"id":"pl-cli-2","lang":"pl","kind":"poster"}` + "\nnot json\n"
	code, out, errOut := runCLI(t, in, env, "copy", "import")
	if code != 1 {
		t.Errorf("import with bad lines: exit %d, want 1", code)
	}
	if out != "created 1, updated 0, unchanged 0, failed 2\n" {
		t.Errorf("import stdout %q", out)
	}
	for _, want := range []string{
		`line 2 (pl-cli-2): kind: unknown value "poster"`,
		"line 3: not a variant object",
		"mindprint copy: 2 line(s) failed",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("import stderr lacks %q:\n%s", want, errOut)
		}
	}

	code, out, errOut = runCLI(t, "", env, "copy", "get", "pl-cli-1")
	if code != 0 {
		t.Fatalf("get: exit %d: %s", code, errOut)
	}
	var v copylib.Variant
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if v.Text != "Poczuj się bezpiecznie w nowym domu" || v.Version != 1 {
		t.Errorf("get: %+v", v)
	}

	// Flags may follow the words; an inflected query finds the text.
	code, out, errOut = runCLI(t, "", env, "copy", "search", "bezpieczny", "dom", "--lang", "pl", "--json")
	if code != 0 {
		t.Fatalf("search: exit %d: %s", code, errOut)
	}
	var res copylib.SearchResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("search --json: %v\n%s", err, out)
	}
	if len(res.Hits) != 1 || res.Hits[0].ID != "pl-cli-1" || res.Facets["lang"]["pl"] != 1 {
		t.Errorf("search: %+v", res)
	}
	wantHL := []copylib.Span{{Start: 12, End: 23, Text: "bezpiecznie"}, {Start: 32, End: 36, Text: "domu"}} // ę is two bytes
	if diff := cmp.Diff(wantHL, res.Hits[0].Highlights); diff != "" {
		t.Errorf("highlights (-want +got):\n%s", diff)
	}

	code, out, _ = runCLI(t, "", env, "copy", "search", "--data", dir, "--tag", "safety", "--lang", "pl")
	if code != 0 || !strings.Contains(out, "pl-cli-1") || !strings.Contains(out, "1 of 1 hits") {
		t.Errorf("table search: exit %d\n%s", code, out)
	}

	file := filepath.Join(t.TempDir(), "copy.ndjson")
	code, _, errOut = runCLI(t, "", env, "copy", "export", "--lang", "pl", file)
	if code != 0 || errOut != "exported 1 variants to "+file+"\n" {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var exported copylib.Variant
	if err := json.Unmarshal(raw, &exported); err != nil || exported.ID != "pl-cli-1" {
		t.Errorf("export file: %v\n%s", err, raw)
	}

	// Importing the export into another folder restores it as it was.
	other := t.TempDir()
	code, out, errOut = runCLI(t, "", nil, "copy", "import", "--data", other, "--seed", noSeed(t), file)
	if code != 0 || out != "created 1, updated 0, unchanged 0, failed 0\n" {
		t.Fatalf("re-import: exit %d %q %s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "", nil, "copy", "get", "--data", other, "pl-cli-1")

	// The embedded seed is loaded on first use of a folder without --seed.
	seeded := t.TempDir()
	code, out, errOut = runCLI(t, "", nil, "copy", "get", "--data", seeded, "en-pair-calm-outcome")
	if code != 0 || !strings.Contains(out, `"mindset": "dual"`) {
		t.Errorf("embedded seed: exit %d %s %s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "", nil, "copy", "get", "--data", other, "pl-cli-1")
	var restored copylib.Variant
	if code != 0 || json.Unmarshal([]byte(out), &restored) != nil || !restored.Created.Equal(v.Created) || restored.Version != v.Version {
		t.Errorf("restored %+v, want %+v", restored, v)
	}
}

func TestCopyCLIErrors(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"MINDPRINT_DATA": dir, "MINDPRINT_COPY_SEED": noSeed(t)}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no subcommand", []string{"copy"}, 2, "Usage: mindprint copy"},
		{"unknown subcommand", []string{"copy", "paste"}, 2, `unknown subcommand "paste"`},
		{"bad filter", []string{"copy", "search", "--mindset", "open", "x"}, 2, `mindprint copy: --mindset: unknown value "open"`},
		{"bad limit", []string{"copy", "search", "--limit", "1000"}, 2, "--limit: 1000 is out of range 1..100"},
		{"get without id", []string{"copy", "get"}, 2, "want exactly one ID"},
		{"get unknown id", []string{"copy", "get", "en-nope"}, 1, `copy variant not found: "en-nope"`},
		{"import missing file", []string{"copy", "import", filepath.Join(dir, "nope.ndjson")}, 1, "no such file"},
		{"export bad time", []string{"copy", "export", "--updated-since", "yesterday"}, 2, "--updated-since"},
		{"bad seed folder", []string{"copy", "search", "--data", filepath.Join(dir, "other"), "--seed", "testdata-that-does-not-exist"}, 1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", env, tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.stderr) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, errOut, tc.code, tc.stderr)
			}
		})
	}
}

func TestCopyCLIFolderInUse(t *testing.T) {
	dir := t.TempDir()
	l, err := copylib.Open(dir, copylib.WithoutSeed())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	code, _, errOut := runCLI(t, "", nil, "copy", "search", "--data", dir, "x")
	if code != 1 || !strings.Contains(errOut, "data folder "+dir+" is in use by another mindprint process (pid ") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

func TestCopyCLILint(t *testing.T) {
	dir := t.TempDir()
	good := "id: copy-lv\nlang: lv\nversion: 1\nlicense: CC-BY-4.0\nsource: tests\nvariants:\n" +
		"  - {id: lv-a, kind: cta, text: Sāciet šodien, traits: [openness:high], mindset: growth, industries: [travel], touchpoint: push}\n"
	if err := os.WriteFile(filepath.Join(dir, "lv.yaml"), []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", nil, "copy", "lint", dir)
	if code != 1 || !regexp.MustCompile(`openness:high/growth +1\n`).MatchString(out) || !strings.Contains(out, "lv openness:high/fixed: 0 of 6") ||
		!strings.Contains(errOut, "cell(s) below the bar") {
		t.Errorf("lint gaps: exit %d\n%s\n%s", code, out, errOut)
	}
	bad := strings.Replace(good, "kind: cta", "kind: poster", 1)
	if err := os.WriteFile(filepath.Join(dir, "lv.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI(t, "", nil, "copy", "lint", dir)
	if code != 1 || !strings.Contains(errOut, `lv.yaml:7: variant "lv-a": kind: unknown value "poster"`) {
		t.Errorf("lint bad file: exit %d\n%s", code, errOut)
	}
	empty := t.TempDir()
	code, out, errOut = runCLI(t, "", nil, "copy", "lint", empty)
	if code != 1 || strings.Contains(out, "meets the bar") || !strings.Contains(errOut, empty+" holds no *.yaml seed files") {
		t.Errorf("lint of a folder without seed files: exit %d\n%s\n%s", code, out, errOut)
	}
}

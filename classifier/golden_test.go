package classifier

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.golden.json from the current output")

// TestGolden analyses every testdata/golden/<case>.txt with the embedded
// lexicons and language detection and compares the whole result, offsets
// and all, with <case>.golden.json. After an intended change (new lexicon
// entries, a scoring change) regenerate with: go test ./classifier -run
// TestGolden -update, and review the diff.
func TestGolden(t *testing.T) {
	an := defaultAnalyzer(t)
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			res, err := an.Analyze(Input{ID: name, Text: string(text)})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			res.LexiconVersion = "(any)" // the version changes with every lexicon edit; the content is what is compared
			if err := enc.Encode(res); err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(f, ".txt") + ".golden.json"
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./classifier -run TestGolden -update)", err)
			}
			if !bytes.Equal(want, buf.Bytes()) {
				t.Errorf("%s differs from the analysis; if the change is intended, run go test ./classifier -run TestGolden -update and review the diff.\n%s",
					golden, lineDiff(string(want), buf.String()))
			}
			for _, tr := range AllTraits {
				for _, e := range res.Traits.Get(tr).Evidence {
					if string(text[e.Start:e.End]) != e.Text {
						t.Errorf("%s evidence %q does not sit at [%d,%d)", tr, e.Text, e.Start, e.End)
					}
				}
			}
		})
	}
}

// lineDiff shows the first lines that differ, with a little context.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 12; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("line " + strconv.Itoa(i+1) + ":\n  - " + wl + "\n  + " + gl + "\n")
			shown++
		}
	}
	return b.String()
}

package api

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"

	"github.com/mindprint/mindprint/classifier"
	"github.com/mindprint/mindprint/corpora/copylib"
)

// TestWebPage: the page and its files are public, typed, cached by ETag,
// locked down by CSP, and load nothing from elsewhere.
func TestWebPage(t *testing.T) {
	s := newTestServer(t, nil, Deps{Keys: testKeys(t)})
	tests := []struct {
		path, contentType, contains string
	}{
		{"/", "text/html; charset=utf-8", `<script src="/ui/app.js" defer></script>`},
		{"/ui/index.html", "text/html; charset=utf-8", `<link rel="stylesheet" href="/ui/style.css">`},
		{"/ui/app.js", "text/javascript; charset=utf-8", "function byteOffsetTable(text)"},
		{"/ui/style.css", "text/css; charset=utf-8", ".evidence-text"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			a := do(t, s.App(), req{method: "GET", path: tt.path})
			if a.status != 200 {
				t.Fatalf("status %d: %s", a.status, a.body)
			}
			if got := a.header.Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type %q, want %q", got, tt.contentType)
			}
			if !strings.Contains(string(a.body), tt.contains) {
				t.Errorf("body lacks %q", tt.contains)
			}
			if csp := a.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "connect-src 'self'") {
				t.Errorf("CSP %q", csp)
			}
			if a.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no nosniff")
			}
			etag := a.header.Get("ETag")
			if etag == "" {
				t.Fatal("no ETag")
			}
			b := do(t, s.App(), req{method: "GET", path: tt.path, header: map[string]string{"If-None-Match": etag}})
			if b.status != 304 || len(b.body) != 0 {
				t.Errorf("If-None-Match: %d, %d bytes", b.status, len(b.body))
			}
		})
	}
	if a := do(t, s.App(), req{method: "GET", path: "/ui/missing.js"}); a.status != 404 {
		t.Errorf("/ui/missing.js: %d", a.status)
	}
	// No file of the page refers to another origin (the network is closed,
	// and the CSP would block it anyway). Links to the API are relative.
	external := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?\s*(https?:)?//|url\(\s*["']?(https?:)?//|@import|fetch\(\s*["']https?:`)
	err := filepathWalk(t, "web", func(path string, body []byte) {
		if m := external.Find(body); m != nil {
			t.Errorf("%s refers to another origin: %q", path, m)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

func filepathWalk(t *testing.T, dir string, fn func(path string, body []byte)) error {
	t.Helper()
	return filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fn(path, body)
		return nil
	})
}

// TestWebListsMatchServer: the choices the page offers are the values the
// server accepts.
func TestWebListsMatchServer(t *testing.T) {
	src, err := os.ReadFile("web/app.js")
	if err != nil {
		t.Fatal(err)
	}
	list := func(name string) []string {
		m := regexp.MustCompile(`(?s)const ` + name + ` = \[(.*?)\];`).FindSubmatch(src)
		if m == nil {
			t.Fatalf("app.js has no const %s", name)
		}
		var out []string
		for _, q := range regexp.MustCompile(`'([^']*)'`).FindAllSubmatch(m[1], -1) {
			out = append(out, string(q[1]))
		}
		return out
	}
	var traits []string
	for _, tr := range classifier.AllTraits {
		traits = append(traits, string(tr))
	}
	for name, want := range map[string][]string{
		"LANGUAGES": copylib.Languages, "TRAITS": traits, "POLES": {copylib.PoleHigh, copylib.PoleLow},
		"MINDSETS": copylib.Mindsets, "KINDS": copylib.Kinds, "TOUCHPOINTS": copylib.Touchpoints, "INDUSTRIES": copylib.Industries,
	} {
		if diff := cmp.Diff(want, list(name)); diff != "" {
			t.Errorf("%s (-server +page):\n%s", name, diff)
		}
	}
	// Every element the script looks up exists in the page.
	html, err := os.ReadFile("web/index.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`\$\('([a-z0-9-]+)'( \+ [a-z]+)?\)`).FindAllSubmatch(src, -1) {
		id := string(m[1])
		if len(m[2]) > 0 { // $('f-' + f), $('tab-' + t): checked through their lists
			continue
		}
		if !strings.Contains(string(html), `id="`+id+`"`) {
			t.Errorf("app.js looks up #%s, which index.html lacks", id)
		}
	}
	for _, prefix := range []string{"f-lang", "f-trait", "f-pole", "f-mindset", "f-industry", "f-kind", "f-touchpoint", "tab-analyze", "tab-copy", "panel-analyze", "panel-copy"} {
		if !strings.Contains(string(html), `id="`+prefix+`"`) {
			t.Errorf("index.html lacks #%s", prefix)
		}
	}
}

// utf16Span is what the page's byteOffsetTable and toIndexes compute for a
// byte span of text, written in Go: the UTF-16 code units before start and
// before end.
func utf16Span(text string, start, end int) [2]int {
	return [2]int{len(utf16.Encode([]rune(text[:start]))), len(utf16.Encode([]rune(text[:end])))}
}

// TestWebEvidenceOffsets: the evidence the page highlights is sent as UTF-8
// byte offsets that land on character boundaries; converted to UTF-16
// indexes the way app.js does, each span selects exactly the evidence text,
// across two-byte letters, three-byte punctuation and four-byte emoji. When
// node is installed, the page's own functions are run on the same answers.
func TestWebEvidenceOffsets(t *testing.T) {
	s := newTestServer(t, nil, Deps{})
	texts := []classifier.Input{
		{Text: "🙂🙂 " + reviewFI, Lang: "fi"},
		{Text: "“Honestly” — " + reviewEN + " 👍🏽", Lang: "en"},
		{Text: "Zażółć gęślą jaźń! " + reviewPL, Lang: "pl"},
		{Text: "Ļoti labi 🎉 " + reviewLV, Lang: "lv"},
	}
	for _, in := range texts {
		t.Run(in.Lang, func(t *testing.T) {
			a := do(t, s.App(), jsonReq("POST", "/v1/analyze", jsonBody(t, map[string]string{"text": in.Text, "lang": in.Lang}), nil))
			if a.status != 200 {
				t.Fatalf("status %d: %s", a.status, a.body)
			}
			var res classifier.Result
			decodeInto(t, a.body, &res)
			var want []pageSpan
			units := utf16.Encode([]rune(in.Text))
			add := func(ev classifier.Evidence) {
				if in.Text[ev.Start:ev.End] != ev.Text {
					t.Errorf("bytes [%d,%d) are %q, evidence says %q", ev.Start, ev.End, in.Text[ev.Start:ev.End], ev.Text)
				}
				ix := utf16Span(in.Text, ev.Start, ev.End)
				if got := string(utf16.Decode(units[ix[0]:ix[1]])); got != ev.Text {
					t.Errorf("UTF-16 [%d,%d) is %q, want %q", ix[0], ix[1], got, ev.Text)
				}
				want = append(want, pageSpan{ix[0], ix[1], ev.Text})
			}
			for _, tr := range classifier.AllTraits {
				for _, ev := range res.Traits.Get(tr).Evidence {
					add(ev)
				}
			}
			for _, ev := range res.Mindset.Evidence {
				add(ev)
			}
			if len(want) < 2 {
				t.Fatalf("only %d evidence spans: not a test of offsets", len(want))
			}
			node, err := exec.LookPath("node")
			if err != nil {
				t.Log("node is not installed: the page's JavaScript is not run")
				return
			}
			got := runPageJS(t, node, in.Text, a.body)
			slices.SortFunc(want, func(x, y pageSpan) int { return x.From - y.From })
			slices.SortFunc(got, func(x, y pageSpan) int { return x.From - y.From })
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("app.js evidenceSpans (-go +js):\n%s", diff)
			}
		})
	}
}

// pageSpan is an evidence span in UTF-16 string indexes, as the page
// highlights it.
type pageSpan struct {
	From, To int
	Text     string
}

// runPageJS runs web/app.js under node and returns evidenceSpans(text,
// result) as {From, To, Text} with Text = text.slice(from, to).
func runPageJS(t *testing.T, node, text string, result []byte) []pageSpan {
	t.Helper()
	script := `
const vm = require('vm');
const fs = require('fs');
vm.runInThisContext(fs.readFileSync(process.argv[1], 'utf8'), {filename: 'app.js'});
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const spans = evidenceSpans(input.text, input.result);
process.stdout.write(JSON.stringify(spans.map((s) => ({From: s.from, To: s.to, Text: input.text.slice(s.from, s.to)}))));
`
	in, err := json.Marshal(map[string]any{"text": text, "result": json.RawMessage(result)})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "-e", script, "web/app.js")
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("node: %v\n%s", err, stderr)
	}
	var spans []pageSpan
	if err := json.Unmarshal(out, &spans); err != nil {
		t.Fatalf("node output %s: %v", out, err)
	}
	return spans
}

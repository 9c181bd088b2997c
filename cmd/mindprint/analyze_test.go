package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAnalyzeOneText(t *testing.T) {
	code, out, errOut := runCLI(t, "", nil, "analyze", "--lang", "fi", "Avoimuus: Luova, utelias, uusiin kokemuksiin vetoava")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res struct {
		Language struct{ Code, Source string }
		Traits   map[string]struct {
			Score    float64
			Evidence []struct {
				Text       string
				Start, End int
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Language.Code != "fi" || res.Language.Source != "hint" {
		t.Errorf("language %+v", res.Language)
	}
	best, bestScore := "", 0.0
	for name, tr := range res.Traits {
		if tr.Score > bestScore {
			best, bestScore = name, tr.Score
		}
	}
	if best != "openness" {
		t.Fatalf("strongest trait %s, want openness", best)
	}
	var words []string
	for _, e := range res.Traits["openness"].Evidence {
		words = append(words, e.Text)
	}
	for _, want := range []string{"Luova", "utelias"} {
		if !strings.Contains(strings.Join(words, " "), want) {
			t.Errorf("openness evidence %v lacks %q", words, want)
		}
	}
}

func TestAnalyzeStdinAndErrors(t *testing.T) {
	tests := []struct {
		name     string
		stdin    string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"stdin", "Creative and curious, I love new experiences.", []string{"analyze", "-"}, 0, ""},
		{"empty text", "", []string{"analyze", "-"}, 1, "text: text is empty or only whitespace"},
		{"unknown language", "", []string{"analyze", "--lang", "xx", "hello"}, 1, `unknown language "xx"`},
		{"two arguments", "", []string{"analyze", "a", "b"}, 2, "give the text as one argument"},
		{"ndjson with an argument", "", []string{"analyze", "--ndjson", "a"}, 2, "takes no TEXT argument"},
		{"unknown flag", "", []string{"analyze", "--colour"}, 2, "flag provided but not defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tc.stdin, nil, tc.args...)
			if code != tc.wantCode || !strings.Contains(errOut, tc.wantErr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, errOut, tc.wantCode, tc.wantErr)
			}
		})
	}
}

func TestAnalyzeNDJSONKeepsOrderAndReportsBadLines(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"a","text":"I am so stressed and worried."}`,
		``,
		`{"id":"b","text":""}`,
		`not json`,
		`{"id":"c","text":"Olen utelias ja luova.","lang":"fi"}`,
		`{"id":"d","text":"x","colour":"red"}`,
		`{"id":"e","text":"Proven and top rated.","lang":"en"}`,
	}, "\n")
	code, out, errOut := runCLI(t, in, nil, "analyze", "--ndjson", "--workers", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	type line struct {
		ID    string
		Line  int
		Error *struct{ Code, Field string }
	}
	var got []line
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var v line
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("output line %q: %v", l, err)
		}
		got = append(got, v)
	}
	errLine := func(id string, n int, code, field string) line {
		return line{ID: id, Line: n, Error: &struct{ Code, Field string }{code, field}}
	}
	want := []line{
		{ID: "a"},
		errLine("b", 3, "empty_text", "text"),
		errLine("", 4, "invalid_json", "line"),
		{ID: "c"},
		errLine("d", 6, "invalid_json", "line"),
		{ID: "e"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("NDJSON output (-want +got):\n%s", diff)
	}
}

func TestHelpForEveryCommand(t *testing.T) {
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", nil, c.name, "--help")
			if code != 0 || !strings.Contains(out, "Usage: mindprint "+c.name) {
				t.Errorf("%s --help: exit %d, stdout %q, stderr %q", c.name, code, out, errOut)
			}
		})
	}
	code, out, _ := runCLI(t, "", nil, "help")
	if code != 0 || !strings.Contains(out, "analyze") {
		t.Errorf("help: exit %d %q", code, out)
	}
	if code, _, _ := runCLI(t, "", nil, "frobnicate"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
}

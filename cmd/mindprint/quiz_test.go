package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mindprint/mindprint/classifier"
	"github.com/mindprint/mindprint/corpora/quizzes"
)

func TestQuizCLIShow(t *testing.T) {
	code, out, errOut := runCLI(t, "", nil, "quiz", "show", "bigfive", "--lang", "pl", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	set, err := quizzes.Default()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := quizzes.FormOf(set.Get("bigfive"), "pl")
	var got quizzes.Form
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, &got); diff != "" {
		t.Errorf("--json (-want +got):\n%s", diff)
	}

	code, out, _ = runCLI(t, "", nil, "quiz", "show", "--lang", "fi", "mindset")
	for _, w := range []string{"Miten opit  (mindset ", "  1  Täysin eri mieltä\n", "  g1  mindset:growth +  Kun harjoittelee", "Free-text questions:\n  skill  "} {
		if code != 0 || !strings.Contains(out, w) {
			t.Errorf("text form lacks %q (exit %d):\n%s", w, code, out)
		}
	}

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no language", []string{"quiz", "show", "bigfive"}, 2, "give one quiz ID and --lang"},
		{"unknown quiz", []string{"quiz", "show", "big5", "--lang", "fi"}, 1, `no quiz "big5"; the quizzes are bigfive, goals, mindset`},
		{"a language the quiz lacks", []string{"quiz", "show", "goals", "--lang", "et"}, 1, `quiz "goals" is written in en, fi, lv, pl, not "et"`},
		{"unknown subcommand", []string{"quiz", "take"}, 2, `unknown subcommand "take"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", nil, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, want %d; stderr %q lacks %q", code, tt.code, errOut, tt.want)
			}
		})
	}
}

func TestQuizCLIScore(t *testing.T) {
	answers := `{"lang":"lv","answers":{"e1":5,"e2":1,"e3":5,"e4":1},"respondent":"crm-9"}`
	code, out, errOut := runCLI(t, answers, nil, "quiz", "score", "bigfive")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var o quizzes.Outcome
	if err := json.Unmarshal([]byte(out), &o); err != nil {
		t.Fatal(err)
	}
	e := o.Profile.Traits.Extraversion
	if o.Respondent != "crm-9" || o.Quiz.ID != "bigfive" || e.Score != 1 || e.Confidence != 0.667 || o.Profile.FreeText != nil {
		t.Errorf("outcome %+v, extraversion %+v", o, e)
	}
	if diff := cmp.Diff([]string{"no recommendations: pass --recommend to use the copy library in --data"}, o.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}

	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  []string
	}{
		{"every problem is listed", `{"lang":"et","answers":{"e1":0,"e1":3,"x":1}}`, []string{"quiz", "score", "bigfive"}, 1, []string{
			`answers.e1: the answer to "e1" is 0; want a whole number from 1 to 5 (out_of_range)`,
			`answers.e1: "e1" is answered more than once (duplicate_answer)`,
			`answers.x: quiz "bigfive" has no item "x" (unknown_item)`,
			`lang: quiz "bigfive" is written in en, fi, lv, pl, not "et" (invalid_language)`,
			"mindprint quiz: 4 problem(s) in the answers",
		}},
		{"not JSON", `lang=fi`, []string{"quiz", "score", "mindset"}, 1, []string{"mindprint quiz: answers: the body is not valid JSON"}},
		{"no quiz id", `{}`, []string{"quiz", "score"}, 2, []string{"give one quiz ID"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tt.stdin, nil, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d: %s", code, tt.code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
		})
	}
}

// TestQuizCLIScoreFreeText runs the whole path: free text through the
// analyzer, and recommendations from a copy library seeded from a folder.
func TestQuizCLIScoreFreeText(t *testing.T) {
	seed := t.TempDir()
	lv := "id: copy-lv\nlang: lv\nversion: 1\nlicense: CC0\nsource: quiz tests\nvariants:\n" +
		"  - {id: lv-kopa, kind: cta, text: Mācies kopā ar draugiem katru nedēļu, traits: [extraversion:high], mindset: growth, industries: [general], touchpoint: push}\n" +
		"  - {id: lv-klusums, kind: cta, text: Atpūties klusumā un mierā, traits: [extraversion:low], mindset: any, industries: [wellness], touchpoint: email}\n"
	if err := os.WriteFile(filepath.Join(seed, "lv.yaml"), []byte(lv), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"MINDPRINT_DATA": t.TempDir(), "MINDPRINT_COPY_SEED": seed}
	story := "Gribu iemācīties spēlēt ģitāru un uzlabot savu latviešu valodu kopā ar draugiem."
	in := `{"lang":"lv","free_text":{"aim":` + strings.TrimSpace(mustJSON(t, story)) + `}}`
	code, out, errOut := runCLI(t, in, env, "quiz", "score", "--recommend", "goals")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var o quizzes.Outcome
	if err := json.Unmarshal([]byte(out), &o); err != nil {
		t.Fatal(err)
	}
	ft := o.Profile.FreeText
	if ft == nil || ft.Language.Code != "lv" || o.Profile.Answers != nil {
		t.Fatalf("profile %+v", o.Profile)
	}
	if diff := cmp.Diff([]classifier.QuizSegment{{Question: "aim", Start: 0, End: len(story)}}, ft.Questions); diff != "" {
		t.Errorf("segments (-want +got):\n%s", diff)
	}
	if len(o.Profile.Mindset.Evidence) == 0 || o.Profile.Sources.Mindset.FreeText != 1 {
		t.Errorf("no mindset evidence from %q (uzlabot is a growth cue): %+v", story, o.Profile.Mindset)
	}
	for _, e := range o.Profile.Mindset.Evidence {
		if story[e.Start:e.End] != e.Text {
			t.Errorf("evidence %+v does not point into the answer", e)
		}
	}
	if len(o.Recommendations) == 0 || o.Recommendations[0].Variant.Lang != "lv" || o.Strategy == nil {
		t.Errorf("recommendations %+v", o.Recommendations)
	}
}

func TestQuizCLIFolder(t *testing.T) {
	dir := t.TempDir()
	tiny := "id: tiny\nversion: 1\nlicense: CC0\nsource: t\nlanguages: [en]\ntitle: {en: Tiny}\nquestions:\n  - id: why\n    text: {en: Why did you come}\n"
	if err := os.WriteFile(filepath.Join(dir, "tiny.yaml"), []byte(tiny), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", map[string]string{"MINDPRINT_QUIZZES": dir}, "quiz", "list")
	if code != 0 || !strings.Contains(out, "tiny  ") || strings.Contains(out, "bigfive") {
		t.Errorf("list from a folder: exit %d\n%s%s", code, out, errOut)
	}
	finnish := "id: pieni\nversion: 1\nlicense: CC0\nsource: t\nlanguages: [fi]\ntitle: {fi: Pieni kysely}\nquestions:\n  - id: miksi\n    text: {fi: Miksi tulit}\n"
	if err := os.WriteFile(filepath.Join(dir, "pieni.yaml"), []byte(finnish), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCLI(t, "", nil, "quiz", "list", "--quizzes", dir)
	if code != 0 || !regexp.MustCompile(`pieni +1 +fi .*Pieni kysely\n`).MatchString(out) {
		t.Errorf("list shows a quiz without English by its own title: exit %d\n%s%s", code, out, errOut)
	}
	if err := os.Remove(filepath.Join(dir, "pieni.yaml")); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCLI(t, "", nil, "quiz", "list", "--json")
	var list struct{ Quizzes []quizzes.Summary }
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list.Quizzes) != 3 {
		t.Errorf("list --json: exit %d, %v, %d quizzes", code, err, len(list.Quizzes))
	}

	bad := strings.Replace(tiny, "text: {en: Why did you come}", "text: {fi: Miksi tulit}", 1)
	if err := os.WriteFile(filepath.Join(dir, "tiny.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI(t, "", nil, "quiz", "show", "--quizzes", dir, "tiny", "--lang", "en")
	for _, w := range []string{`tiny.yaml:9: unknown key "fi" in question "why": text (want en)`, `tiny.yaml:9: question "why": text: missing language "en"`} {
		if code != 1 || !strings.Contains(errOut, w) {
			t.Errorf("exit %d; stderr lacks %q:\n%s", code, w, errOut)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

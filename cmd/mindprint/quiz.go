package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/mindprint/mindprint/classifier"
	"github.com/mindprint/mindprint/corpora/quizzes"
)

// maxQuizInput bounds the answers read from standard input.
const maxQuizInput = 1 << 20

const quizDescription = `Works with the onboarding quizzes: Big Five and mindset Likert items and goals-and-motivation
free-text questions, in English, Finnish, Latvian and Polish (format: corpora/quizzes/FORMAT.md).

  list [flags]                  the quizzes, their languages and what they measure
  show [flags] ID --lang xx     one quiz in one language, as text or as the API's --json form
  score [flags] ID < answers    score {"lang", "answers", "free_text", "respondent"} from standard input

Quizzes come from --quizzes DIR (or $MINDPRINT_QUIZZES), else the embedded ones.
Run mindprint quiz <subcommand> --help for its flags.`

// runQuiz implements `mindprint quiz`.
func runQuiz(ctx context.Context, env *environ, args []string) error {
	return runGroup(ctx, env, "quiz", "list|show|score [flags] [args]", quizDescription, args, []subcommand{
		{"list", func(_ context.Context, env *environ, args []string) error { return runQuizList(env, args) }},
		{"show", func(_ context.Context, env *environ, args []string) error { return runQuizShow(env, args) }},
		{"score", runQuizScore},
	})
}

// quizSource holds the --quizzes flag.
type quizSource struct{ dir *string }

func addQuizSource(env *environ, fs *flag.FlagSet) quizSource {
	return quizSource{dir: fs.String("quizzes", env.getenv("MINDPRINT_QUIZZES"),
		"`folder` of instrument .yaml files to use instead of the embedded ones [$MINDPRINT_QUIZZES]")}
}

func (s quizSource) load() (*quizzes.Set, error) {
	if *s.dir == "" {
		return quizzes.Default()
	}
	set, err := quizzes.Load(os.DirFS(*s.dir))
	if err != nil {
		return nil, fmt.Errorf("quizzes in %s:\n%w", *s.dir, err)
	}
	return set, nil
}

// instrument loads the set and finds id in it.
func (s quizSource) instrument(id string) (*classifier.QuizInstrument, error) {
	set, err := s.load()
	if err != nil {
		return nil, err
	}
	q := set.Get(id)
	if q == nil {
		return nil, fmt.Errorf("no quiz %q; the quizzes are %s", id, strings.Join(set.IDs(), ", "))
	}
	return q, nil
}

func runQuizList(env *environ, args []string) error {
	fs := newFlagSet(env, "quiz list", "[flags]", "Lists the quizzes: id, version, languages, items, free-text questions and what the items measure.")
	src := addQuizSource(env, fs)
	asJSON := fs.Bool("json", false, "print the API's JSON (GET /v1/quizzes) instead of a table")
	pos, err := parseInterspersed(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		fmt.Fprintf(env.stderr, "mindprint quiz list: unexpected argument %q\n", pos[0])
		return errUsage
	}
	set, err := src.load()
	if err != nil {
		return err
	}
	if *asJSON {
		return writeQuizJSON(env.stdout, map[string]any{"quizzes": set.Summaries()}, true)
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tVERSION\tLANGUAGES\tITEMS\tQUESTIONS\tMEASURES\tTITLE")
	for _, s := range set.Summaries() {
		measures := strings.Join(s.Measures, ",")
		if measures == "" {
			measures = "-"
		}
		title, ok := s.Title["en"]
		if !ok { // a quiz without English: its first language's title
			title = s.Title[s.Languages[0]]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\n", s.ID, s.Version, strings.Join(s.Languages, ","), s.Items, s.Questions, measures, title)
	}
	return tw.Flush()
}

func runQuizShow(env *environ, args []string) error {
	fs := newFlagSet(env, "quiz show", "[flags] ID --lang xx",
		"Prints quiz ID in one language: title, instructions, the answer scale, each item with the trait\n"+
			"(or mindset side) and keying it scores, and the free-text questions. --json prints the form the\n"+
			"API answers GET /v1/quizzes/{id}?lang=xx with.")
	src := addQuizSource(env, fs)
	lang := fs.String("lang", "", "language to show (required): one of the quiz's languages")
	asJSON := fs.Bool("json", false, "print the ready-to-render JSON form")
	pos, err := parseInterspersed(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *lang == "" {
		fmt.Fprintln(env.stderr, "mindprint quiz show: give one quiz ID and --lang, e.g. mindprint quiz show bigfive --lang fi")
		return errUsage
	}
	q, err := src.instrument(pos[0])
	if err != nil {
		return err
	}
	form, err := quizzes.FormOf(q, *lang)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeQuizJSON(env.stdout, form, true)
	}
	printForm(env.stdout, form)
	return nil
}

// printForm writes a form for a person to read.
func printForm(w io.Writer, f *quizzes.Form) {
	fmt.Fprintf(w, "%s  (%s %s, %s)\n", f.Title, f.ID, f.Version, f.Lang)
	if f.Instructions != "" {
		fmt.Fprintf(w, "%s\n", f.Instructions)
	}
	if f.Scale != nil {
		fmt.Fprintln(w, "\nScale:")
		for i, l := range f.Scale.Labels {
			fmt.Fprintf(w, "  %d  %s\n", f.Scale.Min+i, l)
		}
		fmt.Fprintln(w, "\nItems:")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, it := range f.Items {
			dim := it.Trait
			if dim == "" {
				dim = "mindset:" + it.Mindset
			}
			fmt.Fprintf(tw, "  %s\t%s %s\t%s\n", it.ID, dim, it.Keyed, it.Text)
		}
		tw.Flush()
	}
	if len(f.Questions) > 0 {
		fmt.Fprintln(w, "\nFree-text questions:")
		for _, qu := range f.Questions {
			fmt.Fprintf(w, "  %s  %s\n", qu.ID, qu.Text)
		}
	}
}

func runQuizScore(ctx context.Context, env *environ, args []string) error {
	fs := newFlagSet(env, "quiz score", "[flags] ID < answers.json",
		"Scores one response to quiz ID read from standard input:\n\n"+
			`  {"lang": "fi", "answers": {"e1": 5, "e2": 1, "o1": null}, "free_text": {"weekend": "..."}, "respondent": "crm-1"}`+"\n\n"+
			"and prints the outcome the API answers POST /v1/quizzes/{id}/responses with: the profile blended\n"+
			"from the answers and the free text (both parts shown), and recommendations. Recommendations need\n"+
			"--recommend, which opens the copy library in --data (stop a server that holds it first).\n"+
			"Every problem in the answers is listed on standard error, and the exit status is 1.")
	src := addQuizSource(env, fs)
	pretty := fs.Bool("pretty", false, "indent the JSON output")
	recommend := fs.Bool("recommend", false, "add copy recommendations from the copy library in --data")
	library := dataFlag(env, fs)
	pos, err := parseInterspersed(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fmt.Fprintln(env.stderr, "mindprint quiz score: give one quiz ID and the answers on standard input, e.g. mindprint quiz score bigfive < answers.json")
		return errUsage
	}
	q, err := src.instrument(pos[0])
	if err != nil {
		return err
	}
	body, err := io.ReadAll(io.LimitReader(env.stdin, maxQuizInput+1))
	if err != nil {
		return fmt.Errorf("reading standard input: %w", err)
	}
	if len(body) > maxQuizInput {
		return fmt.Errorf("the answers on standard input are over %d bytes", maxQuizInput)
	}
	resp, err := classifier.ParseQuizResponse(q, body)
	var re *classifier.QuizResponseError
	if errors.As(err, &re) {
		for _, p := range re.Problems {
			fmt.Fprintf(env.stderr, "%s: %s (%s)\n", p.Field, p.Message, p.Code)
		}
		return fmt.Errorf("%d problem(s) in the answers", len(re.Problems))
	}
	if err != nil {
		return fmt.Errorf("answers: %w", err)
	}
	var an *classifier.Analyzer
	if text, _ := classifier.JoinQuizFreeText(q, resp); text != "" {
		// Only free text needs the analyzer and its language models.
		if an, err = newAnalyzer(env); err != nil {
			return err
		}
	}
	out, err := quizzes.Score(an, q, resp)
	if err != nil {
		return err
	}
	if *recommend {
		lib, err := openCopyLibrary(library)
		if err != nil {
			return err
		}
		defer lib.Close()
		if err := out.Recommend(ctx, lib); err != nil {
			return err
		}
	} else {
		out.Notes = append(out.Notes, "no recommendations: pass --recommend to use the copy library in --data")
	}
	return writeQuizJSON(env.stdout, out, *pretty)
}

func writeQuizJSON(w io.Writer, v any, pretty bool) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if pretty {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(v)
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mindprint/mindprint/classifier"
	"github.com/mindprint/mindprint/corpora/norms"
)

func runNorms(ctx context.Context, env *environ, args []string) error {
	return runGroup(ctx, env, "norms", "build [flags] PATH...",
		"Builds percentile norms from reference texts. See `mindprint norms build --help`.",
		args, []subcommand{{"build", runNormsBuild}})
}

func runNormsBuild(ctx context.Context, env *environ, args []string) error {
	fs := newFlagSet(env, "norms build", "--lang xx --corpus DESCRIPTION [flags] PATH...",
		"Measures every text under PATH (files or folders: .txt = one text, .csv/.tsv = one text per\n"+
			"row of --text-col, .ndjson/.jsonl = one per line of \"text\") in windows of each --windows size\n"+
			"and writes norms for --lang: the mean, spread and quantiles of each trait's and the mindset's rate. With --merge,\n"+
			"the other languages of an existing norms file are kept, so languages can be built one by one.\n"+
			"Use the result with MINDPRINT_NORMS=FILE.")
	lang := fs.String("lang", "", "language of the texts (needs a lexicon), required")
	corpus := fs.String("corpus", "", "what the texts are: name, licence, selection (recorded in the file), required")
	windows := fs.String("windows", joinInts(norms.WindowSizes), "window sizes in words, comma-separated")
	textCol := fs.String("text-col", "text", "text column of .csv/.tsv files")
	idCol := fs.String("id-col", "", "id column, for --exclude-ids")
	exclude := fs.String("exclude-ids", "", "file of ids (one per line) to leave out, e.g. a held-out evaluation fold")
	merge := fs.String("merge", "", "existing norms file whose other languages are kept")
	out := fs.String("out", "-", "output file (- for standard output)")
	if err := parseFlags(env, fs, args); err != nil {
		return err
	}
	if *lang == "" || *corpus == "" || fs.NArg() == 0 {
		fmt.Fprintln(env.stderr, "mindprint norms build: need --lang, --corpus and at least one PATH")
		return errUsage
	}
	skip := map[string]bool{}
	if *exclude != "" {
		if *idCol == "" {
			return fmt.Errorf("--exclude-ids needs --id-col")
		}
		b, err := os.ReadFile(*exclude)
		if err != nil {
			return err
		}
		for _, id := range strings.Fields(string(b)) {
			skip[id] = true
		}
	}
	lexOpts, err := lexiconOptions(env)
	if err != nil {
		return err
	}
	an, err := classifier.New(lexOpts...)
	if err != nil {
		return err
	}
	sizes, err := parseInts(*windows)
	if err != nil {
		return fmt.Errorf("--windows: %w", err)
	}
	b, err := norms.NewBuilder(an, *lang, sizes...)
	if err != nil {
		return err
	}
	start, texts := time.Now(), 0
	err = readTexts(fs.Args(), *textCol, *idCol, func(r textRecord) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if skip[r.ID] {
			return nil
		}
		texts++
		if err := b.Add(r.Text); err != nil {
			return fmt.Errorf("%s: %w", r.Pos, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	ln, err := b.Result(*corpus)
	if err != nil {
		return err
	}
	n := &classifier.Norms{
		ID: "mindprint-norms", Version: time.Now().UTC().Format("2006.01.02"), License: "CC-BY-4.0",
		Source:         "Built with mindprint norms build (make norms): statistics of lexicon rates only; no reference text is stored.",
		LexiconVersion: an.Lexicons().Version(), Languages: map[string]classifier.LangNorms{},
	}
	if *merge != "" {
		data, err := os.ReadFile(*merge)
		if err != nil {
			return err
		}
		old, err := classifier.ParseNorms(*merge, data)
		if err != nil {
			return err
		}
		for l, v := range old.Languages {
			n.Languages[l] = v
		}
		n.License, n.Source = old.License, old.Source
	}
	n.Languages[*lang] = ln
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(n); err != nil {
		return err
	}
	data := buf.Bytes()
	var counts []string
	for _, w := range ln.Windows {
		counts = append(counts, fmt.Sprintf("%d×%d", w.Count, w.Words))
	}
	fmt.Fprintf(env.stderr, "norms %s: %d texts, %d words, windows %s, %.1fs\n",
		*lang, texts, ln.Words, strings.Join(counts, " "), time.Since(start).Seconds())
	if *out == "-" {
		w := bufio.NewWriter(env.stdout)
		w.Write(data)
		return w.Flush()
	}
	return writeFileAtomic(*out, data)
}

// writeFileAtomic writes data to a temporary file beside path and renames it
// over path, so a crash never leaves a half-written file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(dirOf(path), ".mindprint-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func dirOf(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[:i+1]
	}
	return "."
}

func joinInts(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, ",")
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, p := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q is not a positive whole number", p)
		}
		out = append(out, n)
	}
	return out, nil
}

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mindprint/mindprint/corpora/copylib"
)

// defaultDataDir is the data folder when neither --data nor MINDPRINT_DATA
// is given; serve uses the same default.
const defaultDataDir = "./mindprint-data"

const copyDescription = `Works with the copy library in the data folder: the same bbolt store and bleve index
that mindprint serve uses (stop the server first: one process holds a data folder at a time).
On first use the embedded seed copy is loaded into the folder.

  search [flags] [WORDS...]   full-text search with filters; prints a table or --json
  get [flags] ID              print one variant as JSON
  import [flags] [FILE]       upsert NDJSON variants from FILE or standard input
  export [flags] [FILE]       write every variant as NDJSON to FILE or standard output
  lint [DIR]                  validate seed files (default: the embedded ones) and show coverage

Run mindprint copy <subcommand> --help for its flags.`

// runCopy implements `mindprint copy`.
func runCopy(ctx context.Context, env *environ, args []string) error {
	return runGroup(ctx, env, "copy", "search|get|import|export|lint [flags] [args]", copyDescription, args, []subcommand{
		{"search", runCopySearch},
		{"get", runCopyGet},
		{"import", runCopyImport},
		{"export", runCopyExport},
		{"lint", func(_ context.Context, env *environ, args []string) error { return runCopyLint(env, args) }},
	})
}

// libraryFlags are the flags every copy subcommand that opens the library has.
type libraryFlags struct {
	data, seed *string
}

// dataFlag adds --data (default $MINDPRINT_DATA or ./mindprint-data) and
// --seed (default $MINDPRINT_COPY_SEED, else the embedded seed).
func dataFlag(env *environ, fs *flag.FlagSet) libraryFlags {
	def := env.getenv("MINDPRINT_DATA")
	if def == "" {
		def = defaultDataDir
	}
	return libraryFlags{
		data: fs.String("data", def, "data `folder` of the copy library [$MINDPRINT_DATA]"),
		seed: fs.String("seed", env.getenv("MINDPRINT_COPY_SEED"), "seed `folder` of <lang>.yaml files to import on first use instead of the embedded seed [$MINDPRINT_COPY_SEED]"),
	}
}

// parseInterspersed parses flags wherever they stand among the positional
// arguments (mindprint copy search safety --lang pl), which flag.Parse alone
// does not; everything after "--" is positional. It returns the positional
// arguments in order.
func parseInterspersed(env *environ, fs *flag.FlagSet, args []string) ([]string, error) {
	var tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	if err := parseFlags(env, fs, args); err != nil {
		return nil, err
	}
	var pos []string
	for rest := fs.Args(); len(rest) > 0; rest = fs.Args() {
		pos = append(pos, rest[0])
		if err := fs.Parse(rest[1:]); err != nil {
			return nil, errUsage
		}
	}
	return append(pos, tail...), nil
}

func openCopyLibrary(f libraryFlags) (*copylib.Library, error) {
	var opts []copylib.Option
	if *f.seed != "" {
		opts = append(opts, copylib.WithSeed(os.DirFS(*f.seed)))
	}
	return copylib.Open(*f.data, opts...)
}

func runCopySearch(ctx context.Context, env *environ, args []string) error {
	fs := newFlagSet(env, "copy search", "[flags] [WORDS...]",
		"Searches the copy library. WORDS are matched in the language's own analysis (stems and inflected\n"+
			"forms: oppimista finds oppiminen); without --lang every language is searched. Filters combine with AND.\n"+
			"Prints one row per hit, the facet counts of all hits and the --cursor of the next page.")
	data := dataFlag(env, fs)
	var q copylib.Query
	fs.StringVar(&q.Lang, "lang", "", "language: "+strings.Join(copylib.Languages, ", "))
	fs.StringVar(&q.Trait, "trait", "", "trait: openness, conscientiousness, extraversion, agreeableness, neuroticism")
	fs.StringVar(&q.Pole, "pole", "", "pole: high or low (with --trait: that trait's pole)")
	fs.StringVar(&q.Mindset, "mindset", "", "mindset: "+strings.Join(copylib.Mindsets, ", "))
	fs.StringVar(&q.Industry, "industry", "", "industry, e.g. insurance, travel, general")
	fs.StringVar(&q.Kind, "kind", "", "kind: "+strings.Join(copylib.Kinds, ", "))
	fs.StringVar(&q.Touchpoint, "touchpoint", "", "touchpoint: "+strings.Join(copylib.Touchpoints, ", "))
	fs.StringVar(&q.Tag, "tag", "", "tag, e.g. authority")
	fs.IntVar(&q.Limit, "limit", copylib.DefaultLimit, fmt.Sprintf("hits per page (1..%d)", copylib.MaxLimit))
	fs.StringVar(&q.Cursor, "cursor", "", "continue after a previous page (its next cursor)")
	asJSON := fs.Bool("json", false, "print the result as JSON (hits with highlights, facets, next_cursor)")
	pos, err := parseInterspersed(env, fs, args)
	if err != nil {
		return err
	}
	q.Q = strings.Join(pos, " ")
	l, err := openCopyLibrary(data)
	if err != nil {
		return err
	}
	defer l.Close()
	res, err := l.Search(ctx, q)
	if err != nil {
		return describeCopyError(env, err)
	}
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printHits(env.stdout, res)
	return nil
}

// printHits writes a table of hits, the facets and the next cursor.
func printHits(w io.Writer, res *copylib.SearchResult) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLANG\tKIND\tMINDSET\tTRAITS\tTEXT")
	for _, h := range res.Hits {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", h.ID, h.Lang, h.Kind, h.Mindset, strings.Join(h.Traits, ","), markHighlights(h.Text, h.Highlights, 80))
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "\n%d of %d hits\n", len(res.Hits), res.Total)
	names := make([]string, 0, len(res.Facets))
	for name := range res.Facets {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		counts := res.Facets[name]
		if len(counts) == 0 {
			continue
		}
		keys := make([]string, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if counts[keys[i]] != counts[keys[j]] {
				return counts[keys[i]] > counts[keys[j]]
			}
			return keys[i] < keys[j]
		})
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s %d", k, counts[k])
		}
		fmt.Fprintf(w, "  %-10s %s\n", name+":", strings.Join(parts, ", "))
	}
	if res.NextCursor != "" {
		fmt.Fprintf(w, "next page: --cursor %s\n", res.NextCursor)
	}
}

// markHighlights brackets the matched spans and shortens the text to about
// width runes, on one line.
func markHighlights(text string, spans []copylib.Span, width int) string {
	var b strings.Builder
	at := 0
	for _, sp := range spans {
		if sp.Start < at || sp.End > len(text) {
			continue
		}
		b.WriteString(text[at:sp.Start])
		b.WriteString("[" + text[sp.Start:sp.End] + "]")
		at = sp.End
	}
	b.WriteString(text[at:])
	out := strings.Join(strings.Fields(b.String()), " ")
	if r := []rune(out); len(r) > width {
		out = string(r[:width-1]) + "…"
	}
	return out
}

func runCopyGet(ctx context.Context, env *environ, args []string) error {
	fs := newFlagSet(env, "copy get", "[flags] ID", "Prints one variant as JSON, with its version (the ETag of the HTTP API).")
	data := dataFlag(env, fs)
	pos, err := parseInterspersed(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fmt.Fprintln(env.stderr, "mindprint copy get: want exactly one ID")
		return errUsage
	}
	l, err := openCopyLibrary(data)
	if err != nil {
		return err
	}
	defer l.Close()
	v, err := l.Get(ctx, pos[0])
	if err != nil {
		return err
	}
	enc := json.NewEncoder(env.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func runCopyImport(ctx context.Context, env *environ, args []string) error {
	fs := newFlagSet(env, "copy import", "[flags] [FILE]",
		"Reads NDJSON, one variant per line (the format export writes), from FILE or standard input (\"-\").\n"+
			"A new id is created; an existing id is updated to a new version when its content differs.\n"+
			"A bad line is reported as line N: field: problem and the rest go on; the exit status is 1 when any\n"+
			"line failed. Everything reported as created or updated is on disk when the command returns.")
	data := dataFlag(env, fs)
	pos, err := parseInterspersed(env, fs, args)
	if err != nil {
		return err
	}
	var in io.Reader = env.stdin
	switch {
	case len(pos) > 1:
		fmt.Fprintln(env.stderr, "mindprint copy import: at most one FILE")
		return errUsage
	case len(pos) == 1 && pos[0] != "-":
		f, err := os.Open(pos[0])
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	l, err := openCopyLibrary(data)
	if err != nil {
		return err
	}
	defer l.Close()
	rep, err := l.Import(ctx, bufio.NewReaderSize(in, 1<<16))
	for _, le := range rep.Errors {
		for _, fe := range le.Errors {
			where := fmt.Sprintf("line %d", le.Line)
			if le.ID != "" {
				where += " (" + le.ID + ")"
			}
			if fe.Field != "" {
				where += ": " + fe.Field
			}
			fmt.Fprintf(env.stderr, "%s: %s\n", where, fe.Message)
		}
	}
	fmt.Fprintf(env.stdout, "created %d, updated %d, unchanged %d, failed %d\n", rep.Created, rep.Updated, rep.Unchanged, rep.Failed)
	if err != nil {
		return err
	}
	if rep.Failed > 0 {
		return fmt.Errorf("%d line(s) failed", rep.Failed)
	}
	return nil
}

func runCopyExport(ctx context.Context, env *environ, args []string) error {
	fs := newFlagSet(env, "copy export", "[flags] [FILE]",
		"Writes every variant as NDJSON (one JSON object per line, in id order) to FILE or standard output.\n"+
			"The output imports back unchanged (mindprint copy import), versions and times included.")
	data := dataFlag(env, fs)
	lang := fs.String("lang", "", "only this language")
	since := fs.String("updated-since", "", "only variants updated at or after this RFC 3339 `time`")
	pos, err := parseInterspersed(env, fs, args)
	if err != nil {
		return err
	}
	var f copylib.ExportFilter
	f.Lang = *lang
	if *since != "" {
		t, err := time.Parse(time.RFC3339, *since)
		if err != nil {
			fmt.Fprintf(env.stderr, "mindprint copy export: --updated-since: %v\n", err)
			return errUsage
		}
		f.UpdatedSince = t
	}
	if len(pos) > 1 {
		fmt.Fprintln(env.stderr, "mindprint copy export: at most one FILE")
		return errUsage
	}
	l, err := openCopyLibrary(data)
	if err != nil {
		return err
	}
	defer l.Close()
	if len(pos) == 0 || pos[0] == "-" {
		n, err := l.Export(ctx, env.stdout, f)
		if err == nil {
			fmt.Fprintf(env.stderr, "exported %d variants\n", n)
		}
		return err
	}
	path := pos[0]
	tmp, err := os.CreateTemp(filepath.Dir(path), ".export-*")
	if err != nil {
		return err
	}
	n, err := l.Export(ctx, tmp, f)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	fmt.Fprintf(env.stderr, "exported %d variants to %s\n", n, path)
	return nil
}

func runCopyLint(env *environ, args []string) error {
	fs := newFlagSet(env, "copy lint", "[DIR]",
		"Validates seed files (corpora/copylib/seed/FORMAT.md): every *.yaml in DIR, or the embedded seed.\n"+
			"Prints per language the variants of each trait pole × mindset cell and the split pairs, then\n"+
			"what is below the bar. Exits 1 on any file:line problem or gap.")
	pos, err := parseInterspersed(env, fs, args)
	if err != nil {
		return err
	}
	var files []copylib.SeedFile
	switch len(pos) {
	case 0:
		files, err = copylib.DefaultSeed()
	case 1:
		files, err = copylib.LoadSeed(os.DirFS(pos[0]))
	default:
		fmt.Fprintln(env.stderr, "mindprint copy lint: at most one DIR")
		return errUsage
	}
	if err != nil {
		return err
	}
	if len(files) == 0 { // nothing to measure must not pass as "meets the bar"
		return fmt.Errorf("%s holds no *.yaml seed files", pos[0])
	}
	cov := copylib.Coverage(files)
	langs := make([]string, 0, len(cov))
	for lang := range cov {
		langs = append(langs, lang)
	}
	sort.Strings(langs)
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "cell\t")
	for _, lang := range langs {
		fmt.Fprintf(tw, "%s\t", lang)
	}
	fmt.Fprintln(tw)
	cells := make([]string, 0, 21)
	for _, t := range []string{"openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism"} {
		for _, pole := range []string{"high", "low"} {
			for _, m := range []string{copylib.MindsetFixed, copylib.MindsetGrowth} {
				cells = append(cells, t+":"+pole+"/"+m)
			}
		}
	}
	cells = append(cells, "pairs")
	for _, c := range cells {
		fmt.Fprintf(tw, "%s\t", c)
		for _, lang := range langs {
			fmt.Fprintf(tw, "%d\t", cov[lang][c])
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprint(tw, "variants\t")
	for _, lang := range langs {
		n := 0
		for _, f := range files {
			if f.Lang == lang {
				n += len(f.Variants)
			}
		}
		fmt.Fprintf(tw, "%d\t", n)
	}
	fmt.Fprintln(tw)
	_ = tw.Flush()
	gaps := copylib.CoverageGaps(files)
	if len(gaps) == 0 {
		fmt.Fprintln(env.stdout, "\nevery language meets the bar")
		return nil
	}
	fmt.Fprintln(env.stdout, "\nbelow the bar:")
	for _, g := range gaps {
		fmt.Fprintf(env.stdout, "  %s\n", g)
	}
	return fmt.Errorf("%d cell(s) below the bar", len(gaps))
}

// describeCopyError prints a validation error field by field.
func describeCopyError(env *environ, err error) error {
	var ve *copylib.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	for _, fe := range ve.Errors {
		name := "--" + fe.Field
		if fe.Field == "q" {
			name = "query words"
		}
		fmt.Fprintf(env.stderr, "mindprint copy: %s: %s\n", name, fe.Message)
	}
	return errUsage
}

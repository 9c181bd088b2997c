package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mindprint/mindprint/classifier"
)

// batchConfig is what `mindprint batch` was asked to do, after its flags are
// parsed and checked. Tests build one directly to set the intervals.
type batchConfig struct {
	In, Out, Errors string // paths; "-" is standard input / output; Errors "" is the default
	Format          string // csv or ndjson; "" detects it from --in
	TextCols        []string
	Join            bool // several text columns: one analysis of the joined text (true) or one each
	IDCol, LangCol  string
	idSet, langSet  bool // the flag was given: a missing column is then an error
	Columns         []string
	columnsSet      bool
	Prefix          string
	Delimiter       rune // 0 detects it from the header
	OutDelimiter    rune // 0 uses the input's
	Shard           shardSpec
	Resume, Quiet   bool
	Workers         int
	CheckpointEvery time.Duration
	ProgressEvery   time.Duration // plain progress lines when standard error is not a terminal
}

// Batch output column groups, in the order their columns appear.
const (
	colLanguage    = "language"
	colTraits      = "traits"
	colPercentiles = "percentiles"
	colMindset     = "mindset"
	colFlags       = "flags"
	colEvidence    = "evidence"
)

var (
	allBatchColumns     = []string{colLanguage, colTraits, colPercentiles, colMindset, colFlags, colEvidence}
	defaultBatchColumns = []string{colLanguage, colTraits, colPercentiles, colMindset, colFlags}
)

const batchUsage = `--in FILE|- --out FILE|- [--format csv|ndjson] [--text-col notes[,chat]]
       [--texts join|separate] [--id-col id] [--lang-col lang] [--columns traits,percentiles,...]
       [--errors FILE] [--shard i/N] [--resume] [--quiet]`

const batchDescription = `Enriches a CSV or NDJSON export with Mindprint's scores, streaming: memory stays flat however
large the file, every core is used and rows come out in input order.

CSV input: a header row, any of the delimiters , ; tab | (detected from the header unless
--delimiter is given), quoted fields with embedded delimiters, quotes and newlines, UTF-8 with or
without a byte order mark. The output repeats every input column and adds mindprint_row (the
input row number), mindprint_error, the --columns groups as flat columns (language, words,
openness_score, openness_confidence, openness_percentile, ..., mindset_label, mindset_score,
mindset_confidence, flags, openness_evidence, ...) and lexicon_version. Numbers are written with a
'.' decimal point and three decimals; a missing value is an empty cell.

NDJSON input: one JSON object per line; the output line is the input object, unchanged, with
"mindprint_row" and "mindprint" (the full analysis contract, or {"error":{...}}) added.

Several text columns (--text-col review,chat) are joined into one text (--texts join, separated
by a blank line; evidence offsets point into the joined text) or scored separately (--texts
separate: columns prefixed review_..., chat_...; NDJSON "mindprint": {"review": ..., "chat": ...}).

Problems with a record (empty text, unknown or unsupported language, a ragged or malformed row)
go to the errors file with row number, line and id, and never stop the run. A broken row is left
out of the output; a row whose text could not be scored stays in it with mindprint_error set.

--resume continues an interrupted run (Ctrl-C, kill, a lost node) where its output left off: the
run keeps OUT.checkpoint, written after the output is synced to disk, and a resumed run cuts the
output back to it, so no row is lost or written twice and no line is left torn.

--shard i/N processes only the rows whose id hashes to shard i (FNV-1a 64 of the id cell, modulo
N; rows with no id, and broken rows, hash their row number in decimal), so N processes split one
export with no coordinator. --shard auto/N takes i from JOB_COMPLETION_INDEX (a Kubernetes Indexed
Job), and {shard} in --out or --errors is replaced by i.`

// runBatch is `mindprint batch`.
func runBatch(ctx context.Context, env *environ, args []string) error {
	cfg, err := parseBatchFlags(env, args)
	if err != nil {
		return err
	}
	an, err := newAnalyzer(env)
	if err != nil {
		return err
	}
	return batchRun(ctx, env, an, cfg)
}

// parseBatchFlags turns the command line into a checked batchConfig;
// problems with it are usage errors (exit 2).
func parseBatchFlags(env *environ, args []string) (batchConfig, error) {
	fs := newFlagSet(env, "batch", batchUsage, batchDescription)
	in := fs.String("in", "-", "input file, or - for standard input")
	out := fs.String("out", "-", "output file, or - for standard output")
	errPath := fs.String("errors", "", "errors file (.csv or .ndjson), or - for standard error; default OUT's name with .errors\nbefore the extension, or standard error when OUT is -")
	format := fs.String("format", "", "csv or ndjson (default: from --in's extension, else from the first byte)")
	textCol := fs.String("text-col", "text", "text column(s) or field(s), comma-separated")
	texts := fs.String("texts", "join", "with several text columns: join (one analysis) or separate (one per column)")
	idCol := fs.String("id-col", "id", "id column or field; used for sharding and echoed in errors")
	langCol := fs.String("lang-col", "lang", "language hint column or field (ISO 639-1); empty cells are detected")
	columns := fs.String("columns", strings.Join(defaultBatchColumns, ","), "CSV column groups to add, comma-separated: "+strings.Join(allBatchColumns, ",")+" or all")
	prefix := fs.String("prefix", "", "prefix for every added column or field, e.g. mp_, when the input already has one of the names")
	delim := fs.String("delimiter", "", "CSV input delimiter: , ; tab | or any single character (default: detected from the header)")
	outDelim := fs.String("out-delimiter", "", "CSV output delimiter (default: the input's)")
	shard := fs.String("shard", "", "process only shard i of N (i/N, or auto/N to read i from JOB_COMPLETION_INDEX)")
	resume := fs.Bool("resume", false, "continue an interrupted run from OUT.checkpoint")
	quiet := fs.Bool("quiet", false, "no progress and no summary")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "parallel analyses")
	every := fs.Duration("checkpoint-every", 2*time.Second, "how often to sync the output and write the checkpoint")
	if err := parseFlags(env, fs, args); err != nil {
		return batchConfig{}, err
	}
	if fs.NArg() > 0 {
		return batchConfig{}, batchUsageError(env, "unexpected argument %q (the input is --in FILE)", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	cfg := batchConfig{
		In: *in, Out: *out, Errors: *errPath, Format: strings.ToLower(*format),
		IDCol: *idCol, LangCol: *langCol, idSet: set["id-col"], langSet: set["lang-col"],
		columnsSet: set["columns"], Prefix: *prefix,
		Resume: *resume, Quiet: *quiet, Workers: *workers,
		CheckpointEvery: *every, ProgressEvery: 10 * time.Second,
	}
	var err error
	if cfg.TextCols, err = splitList(*textCol); err != nil || len(cfg.TextCols) == 0 {
		return cfg, batchUsageError(env, "--text-col %q: give one or more column names, comma-separated", *textCol)
	}
	switch *texts {
	case "join":
		cfg.Join = true
	case "separate":
	default:
		return cfg, batchUsageError(env, "--texts %q: want join or separate", *texts)
	}
	if cfg.Columns, err = parseBatchColumns(*columns); err != nil {
		return cfg, batchUsageError(env, "--columns: %v", err)
	}
	if cfg.Delimiter, err = parseDelimiter(*delim); err != nil {
		return cfg, batchUsageError(env, "--delimiter: %v", err)
	}
	if cfg.OutDelimiter, err = parseDelimiter(*outDelim); err != nil {
		return cfg, batchUsageError(env, "--out-delimiter: %v", err)
	}
	if cfg.Shard, err = parseShard(*shard, env.getenv); err != nil {
		return cfg, batchUsageError(env, "--shard: %v", err)
	}
	if err := cfg.check(); err != nil {
		return cfg, batchUsageError(env, "%v", err)
	}
	return cfg, nil
}

// check validates the combinations of settings and fills in the {shard}
// placeholders. Everything it rejects is the user's to fix.
func (c *batchConfig) check() error {
	switch c.Format {
	case "", "csv", "ndjson":
	case "jsonl":
		c.Format = "ndjson"
	default:
		return fmt.Errorf("--format %q: want csv or ndjson", c.Format)
	}
	if c.Workers < 1 {
		return fmt.Errorf("--workers %d: want at least 1", c.Workers)
	}
	if c.CheckpointEvery <= 0 {
		return fmt.Errorf("--checkpoint-every %s: want a positive duration", c.CheckpointEvery)
	}
	for _, p := range []*string{&c.Out, &c.Errors} {
		if strings.Contains(*p, "{shard}") {
			if c.Shard.Count == 0 {
				return fmt.Errorf("%q has {shard} but no --shard is given", *p)
			}
			*p = strings.ReplaceAll(*p, "{shard}", strconv.Itoa(c.Shard.Index))
		}
	}
	if c.Resume && c.Out == "-" {
		return errors.New("--resume needs --out FILE: standard output cannot be resumed")
	}
	if c.In != "-" && c.Out != "-" && samePath(c.In, c.Out) {
		return fmt.Errorf("--out %s is the input file", c.Out)
	}
	if c.Errors != "" && c.Errors != "-" && (samePath(c.Errors, c.Out) || (c.In != "-" && samePath(c.Errors, c.In))) {
		return fmt.Errorf("--errors %s is the input or the output file", c.Errors)
	}
	return nil
}

// samePath reports whether two paths name the same file, by name.
func samePath(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// batchUsageError prints a usage problem and returns errUsage (exit 2).
func batchUsageError(env *environ, format string, args ...any) error {
	fmt.Fprintf(env.stderr, "mindprint batch: "+format+"\n", args...)
	fmt.Fprintln(env.stderr, "Run `mindprint batch --help` for the flags.")
	return errUsage
}

// splitList splits a comma-separated list, trimming spaces; empty items are
// an error.
func splitList(s string) ([]string, error) {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, fmt.Errorf("empty item in %q", s)
		}
		out = append(out, item)
	}
	return out, nil
}

// parseBatchColumns parses --columns into the canonical order.
func parseBatchColumns(s string) ([]string, error) {
	items, err := splitList(s)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, it := range items {
		it = strings.ToLower(it)
		switch {
		case it == "all":
			for _, c := range allBatchColumns {
				want[c] = true
			}
		case slices.Contains(allBatchColumns, it):
			want[it] = true
		default:
			return nil, fmt.Errorf("unknown group %q; want some of %s, or all", it, strings.Join(allBatchColumns, ","))
		}
	}
	var out []string
	for _, c := range allBatchColumns {
		if want[c] {
			out = append(out, c)
		}
	}
	return out, nil
}

// parseDelimiter reads a delimiter flag: "" (none given), "tab" or "\t", or a
// single character that can separate CSV fields.
func parseDelimiter(s string) (rune, error) {
	switch s {
	case "":
		return 0, nil
	case "tab", `\t`, "\t":
		return '\t', nil
	}
	r, size := utf8.DecodeRuneInString(s)
	if size != len(s) || r == utf8.RuneError {
		return 0, fmt.Errorf("%q is not a single character", s)
	}
	if r == '"' || r == '\r' || r == '\n' || r == utf8.RuneError || r == 0xFEFF {
		return 0, fmt.Errorf("%q cannot separate CSV fields", s)
	}
	return r, nil
}

// delimiterName spells a delimiter for messages and the checkpoint.
func delimiterName(r rune) string {
	switch r {
	case 0:
		return ""
	case '\t':
		return "tab"
	}
	return string(r)
}

// batchRun runs one configured batch with an analyzer.
func batchRun(ctx context.Context, env *environ, an *classifier.Analyzer, cfg batchConfig) error {
	start := time.Now()
	in, err := openBatchInput(env, cfg)
	if err != nil {
		return err
	}
	defer in.Close()
	lay, err := newBatchLayout(cfg, in, an.Lexicons().Version())
	if err != nil {
		return err
	}
	prog := newBatchProgress(env, cfg)
	w, err := openBatchWriter(env, cfg, in, lay, prog)
	if err != nil {
		return err
	}
	defer w.Close()
	if w.resumed && w.cp.Complete {
		if !cfg.Quiet {
			fmt.Fprintf(env.stderr, "mindprint batch: %s is already complete (%d rows); nothing to do\n", cfg.Out, w.cp.Stats.Rows)
		}
		return nil
	}
	if err := in.skipTo(w.cp.Row, w.cp.Line, w.cp.InOffset); err != nil {
		return err
	}
	prog.begin(in.size, w.cp.InOffset, w.cp.Stats.Rows)
	runErr := batchPipeline(ctx, an, cfg, in, lay, w, prog)
	prog.finish()
	// Whatever stopped the run, what was written is vouched for; after a
	// write error the flush fails and the previous checkpoint stands.
	if err := w.checkpoint(runErr == nil); err != nil && runErr == nil {
		runErr = err
	}
	if !cfg.Quiet {
		fmt.Fprint(env.stderr, w.summary(cfg, time.Since(start)))
	}
	switch {
	case errors.Is(runErr, context.Canceled) && cfg.Out != "-":
		return fmt.Errorf("interrupted after row %d; run the same command with --resume to continue", w.cp.Row)
	case errors.Is(runErr, context.Canceled):
		return fmt.Errorf("interrupted after row %d", w.cp.Row)
	}
	return runErr
}

// osFileOf returns the *os.File behind w, if there is one.
func osFileOf(w any) *os.File {
	f, _ := w.(*os.File)
	return f
}

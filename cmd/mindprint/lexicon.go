package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/mindprint/mindprint/lexicons"
)

func runLexicon(ctx context.Context, env *environ, args []string) error {
	return runGroup(ctx, env, "lexicon", "lint [DIR] | import [flags] FILE",
		"Works with lexicons (see lexicons/FORMAT.md).\n\n"+
			"  lint [DIR]     validate the lexicons in DIR (default: the embedded ones) and print\n"+
			"                 entry counts per language, category and pole\n"+
			"  import FILE    convert a LIWC-style .dic or .dicx dictionary into a Mindprint YAML file",
		args, []subcommand{
			{"lint", func(_ context.Context, env *environ, args []string) error { return runLexiconLint(env, args) }},
			{"import", func(_ context.Context, env *environ, args []string) error { return runLexiconImport(env, args) }},
		})
}

func runLexiconLint(env *environ, args []string) error {
	fs := newFlagSet(env, "lexicon lint", "[DIR]",
		"Validates every lexicon file (header, keys, categories, weights, terms, duplicates, conflicts,\n"+
			"matches/rejects examples) and prints entry counts per language, category and pole.\n"+
			"DIR holds one folder per language (en/, fi/, ...); without DIR the embedded lexicons are checked.\n"+
			"Exits 1 and lists every problem as file:line: message when anything is wrong.")
	if err := parseFlags(env, fs, args); err != nil {
		return err
	}
	var (
		set *lexicons.Set
		err error
	)
	switch fs.NArg() {
	case 0:
		set, err = lexicons.Default()
	case 1:
		set, err = lexicons.Load(os.DirFS(fs.Arg(0)))
	default:
		fmt.Fprintln(env.stderr, "mindprint lexicon lint: at most one DIR")
		return errUsage
	}
	if err != nil {
		return err
	}
	printCounts(env.stdout, set)
	return nil
}

// printCounts writes a table of entry counts: one row per language and
// category, one column per pole.
func printCounts(w io.Writer, set *lexicons.Set) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "lang\tcategory\thigh\tlow\tfixed\tgrowth\t")
	for _, lang := range set.Languages() {
		counts := set.Lexicon(lang).Counts()
		cats := make([]string, 0, len(counts))
		for c := range counts {
			cats = append(cats, string(c))
		}
		sort.Strings(cats)
		for _, c := range cats {
			n := counts[lexicons.Category(c)]
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t\n", lang, c, n["high"], n["low"], n["fixed"], n["growth"])
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "lexicon_version %s: no problems found\n", set.Version())
}

func runLexiconImport(env *environ, args []string) error {
	fs := newFlagSet(env, "lexicon import", "--lang xx --id ID [--map NAME=category:pole ...] [--out FILE] FILE.dic|FILE.dicx",
		"Converts a LIWC-style dictionary into one Mindprint lexicon file. A .dic file has a %-delimited\n"+
			"category header and term lines with category ids; a .dicx file is CSV with a DicTerm column and\n"+
			"one column per category (X or a weight). Categories named like openness_high or mindset:growth\n"+
			"map by name; map others with --map. Skipped lines and categories are listed on standard error.")
	lang := fs.String("lang", "", "language of the dictionary (ISO 639-1), required")
	id := fs.String("id", "", "id of the new lexicon file, required (e.g. fi-custom)")
	out := fs.String("out", "-", "where to write the YAML (- for standard output)")
	source := fs.String("source", "", "who wrote the dictionary and from what (the file's source header)")
	license := fs.String("license", "proprietary", "the dictionary's licence")
	var maps multiFlag
	fs.Var(&maps, "map", "map a dictionary category, NAME=category:pole (repeatable)")
	if err := parseFlags(env, fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *lang == "" || *id == "" {
		fmt.Fprintln(env.stderr, "mindprint lexicon import: need --lang, --id and exactly one FILE")
		return errUsage
	}
	opt := lexicons.ImportOptions{Map: map[string]string{}}
	for _, m := range maps {
		name, target, ok := strings.Cut(m, "=")
		if !ok || name == "" || target == "" {
			return fmt.Errorf("--map %q: want NAME=category:pole", m)
		}
		opt.Map[name] = target
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var imp *lexicons.Imported
	if strings.EqualFold(filepath.Ext(path), ".dicx") {
		imp, err = lexicons.ImportDicx(f, path, opt)
	} else {
		imp, err = lexicons.ImportDic(f, path, opt)
	}
	if err != nil {
		return err
	}
	for _, s := range imp.Skipped {
		fmt.Fprintf(env.stderr, "%s: skipped %s\n", path, s)
	}
	src := *source
	if src == "" {
		src = "Imported from " + filepath.Base(path) + " with mindprint lexicon import"
	}
	hdr := lexicons.FileInfo{ID: *id, Lang: *lang, Version: "1", License: *license, Source: src}
	if *out == "-" {
		return imp.WriteYAML(env.stdout, hdr)
	}
	// Written whole or not at all: a failed import never leaves half a
	// lexicon file where the loader will find it.
	var buf bytes.Buffer
	if err := imp.WriteYAML(&buf, hdr); err != nil {
		return err
	}
	return writeFileAtomic(*out, buf.Bytes())
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

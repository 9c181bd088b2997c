// Command mindprint is the Mindprint service and its command-line tools in one
// binary. Run `mindprint help` for the list of commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// command is one subcommand: its name, a one-line summary for `mindprint help`
// and the function that runs it with the remaining arguments.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *environ, args []string) error
}

// environ carries the process's standard streams and environment lookups, so
// commands are testable without touching the real process.
type environ struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

// commands is the visible table of subcommands; no init() registration.
func commands() []command {
	return []command{
		{"analyze", "score one text, or NDJSON lines from standard input", runAnalyze},
		{"batch", "enrich a CSV or NDJSON export: streaming, ordered, resumable, shardable", runBatch},
		{"serve", "run the HTTP service", runServe},
		{"lexicon", "lint lexicons, import LIWC .dic/.dicx dictionaries", runLexicon},
		{"norms", "build percentile norms from reference texts", runNorms},
		{"eval", "measure accuracy on labelled data (../shared/eval or your own CSV)", runEval},
		{"copy", "search, get, import and export the copy library; lint seed copy", runCopy},
		{"quiz", "list, show and score the onboarding quizzes (Likert items and free text)", runQuiz},
		{"version", "print the version and the lexicon version", runVersion},
	}
}

// errUsage marks an error already explained to the user with usage text;
// main exits 2 without printing it again.
var errUsage = errors.New("usage")

func main() {
	env := &environ{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, env, os.Args[1:])
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand and turns its error into an exit code:
// 0 success, 1 failure, 2 usage error.
func run(ctx context.Context, env *environ, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			return run(ctx, env, []string{args[1], "--help"})
		}
		usage(env.stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, env, args[1:])
		switch {
		case err == nil, errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		default:
			fmt.Fprintf(env.stderr, "mindprint %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(env.stderr, "mindprint: unknown command %q\n\n", args[0])
	usage(env.stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Mindprint reads customer texts, scores Big Five traits and fixed/growth mindset")
	fmt.Fprintln(w, "with the words behind every score, and recommends copy that fits.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: mindprint <command> [flags] [args]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run `mindprint <command> --help` for a command's flags.")
}

// newFlagSet returns a FlagSet whose --help prints a usage line, a
// description and the flags to env.stdout, and whose errors go to env.stderr.
func newFlagSet(env *environ, name, args, description string) *flag.FlagSet {
	fs := flag.NewFlagSet("mindprint "+name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: mindprint %s %s\n\n%s\n", name, args, description)
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintln(out, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// subcommand is one verb of a grouped command (`mindprint copy search`).
type subcommand struct {
	name string
	run  func(ctx context.Context, env *environ, args []string) error
}

// runGroup dispatches args to one of subs. Without a verb, or with --help,
// it prints the group's usage line and description; an unknown verb is a
// usage error that names the verbs there are.
func runGroup(ctx context.Context, env *environ, name, usage, description string, args []string, subs []subcommand) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fs := newFlagSet(env, name, usage, description)
		if err := parseFlags(env, fs, args); err != nil {
			return err
		}
		fs.Usage()
		return errUsage
	}
	names := make([]string, len(subs))
	for i, s := range subs {
		if s.name == args[0] {
			return s.run(ctx, env, args[1:])
		}
		names[i] = s.name
	}
	fmt.Fprintf(env.stderr, "mindprint %s: unknown subcommand %q (want %s)\n", name, args[0], strings.Join(names, ", "))
	return errUsage
}

// parseFlags parses args, sending --help to standard output (exit 0) and
// flag errors to standard error (exit 2).
func parseFlags(env *environ, fs *flag.FlagSet, args []string) error {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(env.stdout)
			fs.Usage()
			return flag.ErrHelp
		}
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	return nil
}

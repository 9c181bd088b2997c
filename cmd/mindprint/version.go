package main

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/mindprint/mindprint/lexicons"
)

func runVersion(_ context.Context, env *environ, args []string) error {
	fs := newFlagSet(env, "version", "", "Prints the build version and the lexicon version that results carry.")
	if err := parseFlags(env, fs, args); err != nil {
		return err
	}
	version := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		version = bi.Main.Version
	}
	set, err := lexicons.Default()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "mindprint %s\nlexicon_version %s\n", version, set.Version())
	return nil
}

package main

import (
	"fmt"
	"os"

	"github.com/mindprint/mindprint/classifier"
	"github.com/mindprint/mindprint/corpora/norms"
	"github.com/mindprint/mindprint/lexicons"
)

// analyzerOptions reads the environment that every command building an
// analyzer honours:
//
//	MINDPRINT_LEXICONS  a directory of lexicons to use instead of the embedded ones
//	MINDPRINT_NORMS     a norms file to use instead of the embedded one
func analyzerOptions(env *environ) ([]classifier.Option, error) {
	opts, err := lexiconOptions(env)
	if err != nil {
		return nil, err
	}
	n, err := norms.Default()
	if path := env.getenv("MINDPRINT_NORMS"); path != "" {
		var data []byte
		if data, err = os.ReadFile(path); err == nil {
			n, err = classifier.ParseNorms(path, data)
		}
	}
	if err != nil {
		return nil, err
	}
	return append(opts, classifier.WithNorms(n)), nil
}

// lexiconOptions reads MINDPRINT_LEXICONS alone: what `norms build` needs,
// which must not depend on the norms it is about to replace.
func lexiconOptions(env *environ) ([]classifier.Option, error) {
	var opts []classifier.Option
	if dir := env.getenv("MINDPRINT_LEXICONS"); dir != "" {
		set, err := lexicons.Load(os.DirFS(dir))
		if err != nil {
			return nil, fmt.Errorf("MINDPRINT_LEXICONS=%s: %w", dir, err)
		}
		opts = append(opts, classifier.WithLexicons(set))
	}
	return opts, nil
}

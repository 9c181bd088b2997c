package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runCLI runs `mindprint args...` with stdin and the given environment and
// returns the exit code, standard output and standard error.
func runCLI(t *testing.T, stdin string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &environ{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, getenv: func(k string) string { return env[k] }}
	code := run(context.Background(), e, args)
	return code, out.String(), errOut.String()
}

//go:build unix

package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The resume tests run `mindprint batch` in a child process (this test
// binary, re-executed into TestBatchHelperProcess), interrupt it for real
// and resume it, then compare with an uninterrupted run.

const helperEnv = "MINDPRINT_BATCH_HELPER_ARGS"

// TestBatchHelperProcess is the child process: it runs main with the
// arguments in MINDPRINT_BATCH_HELPER_ARGS and exits. Run directly, it
// does nothing.
func TestBatchHelperProcess(t *testing.T) {
	raw := os.Getenv(helperEnv)
	if raw == "" {
		t.Skip("runs only as the child process of the batch resume tests")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		os.Exit(3)
	}
	os.Args = append([]string{"mindprint"}, args...)
	main() // exits
}

// startBatchChild starts `mindprint args...` as a child process.
func startBatchChild(t testing.TB, stdin io.Reader, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	raw, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^TestBatchHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"="+string(raw))
	cmd.Stdin = stdin
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stderr
}

// waitForCheckpoint polls path until its row reaches atLeast, failing if
// the child exits first or a minute passes.
func waitForCheckpoint(t *testing.T, path string, atLeast int, exited <-chan error) batchCheckpoint {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		var cp batchCheckpoint
		if data, err := os.ReadFile(path); err == nil && json.Unmarshal(data, &cp) == nil && cp.Row >= atLeast {
			return cp
		}
		select {
		case err := <-exited:
			t.Fatalf("the child exited before its checkpoint reached row %d: %v", atLeast, err)
		case <-deadline:
			t.Fatalf("the checkpoint %s did not reach row %d in a minute", path, atLeast)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// completeRecords counts the CSV records (after the header) that end
// within the first n bytes of data.
func completeRecords(t *testing.T, data []byte, n int) int {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	count := -1 // the header
	for {
		_, err := r.Read()
		if errors.Is(err, io.EOF) || r.InputOffset() > int64(n) {
			return count
		}
		count++
	}
}

// resumeFixture is an export with every kind of edge case, and the output
// of an uninterrupted run over it.
type resumeFixture struct {
	data               []byte
	wantOut, wantErrs  string
	dir, in, out, errs string
	args               []string
}

func newResumeFixture(t *testing.T, rows int) *resumeFixture {
	t.Helper()
	f := &resumeFixture{dir: t.TempDir()}
	var buf bytes.Buffer
	if err := genBatchCSV(&buf, rows, 42, true); err != nil {
		t.Fatal(err)
	}
	f.data = buf.Bytes()
	ref := filepath.Join(f.dir, "ref.csv")
	if err := os.WriteFile(ref, f.data, 0o644); err != nil {
		t.Fatal(err)
	}
	refOut := filepath.Join(f.dir, "ref-out.csv")
	code, _, errOut := runBatchCmd(t, nil, nil, "--in", ref, "--out", refOut, "--text-col", "review", "--quiet")
	if code != 0 {
		t.Fatalf("reference run: exit %d: %s", code, errOut)
	}
	f.wantOut = readFile(t, refOut)
	f.wantErrs = readFile(t, filepath.Join(f.dir, "ref-out.errors.csv"))
	f.in, f.out = filepath.Join(f.dir, "in.csv"), filepath.Join(f.dir, "out.csv")
	f.errs = filepath.Join(f.dir, "out.errors.csv")
	return f
}

// check compares the resumed run's files with the uninterrupted run's.
func (f *resumeFixture) check(t *testing.T) {
	t.Helper()
	if got := readFile(t, f.out); got != f.wantOut {
		t.Errorf("resumed output differs from an uninterrupted run:\n%s", firstDifference(f.wantOut, got))
	}
	if got := readFile(t, f.errs); got != f.wantErrs {
		t.Errorf("resumed errors differ from an uninterrupted run:\n%s", firstDifference(f.wantErrs, got))
	}
	var cp batchCheckpoint
	if err := json.Unmarshal([]byte(readFile(t, f.out+".checkpoint")), &cp); err != nil || !cp.Complete {
		t.Errorf("checkpoint after the resumed run: complete=%v (%v)", cp.Complete, err)
	}
}

func firstDifference(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\nwant " + w + "\n got " + g
		}
	}
	return "(no line differs)"
}

// TestBatchResumeAfterKill kills a run with SIGKILL in the middle, tears
// the last line of its output, resumes it, and expects exactly the output
// of an uninterrupted run.
//
// The child reads a named pipe that is fed the first 60% of the export (the
// cut falls inside a record), so it is mid-run for certain when it is
// killed. The resumed run then reads the complete file at the same path,
// seeking to the checkpoint's offset.
func TestBatchResumeAfterKill(t *testing.T) {
	t.Parallel()
	f := newResumeFixture(t, 900)
	if err := syscall.Mkfifo(f.in, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	// O_RDWR opens a FIFO without waiting for the reader.
	fifo, err := os.OpenFile(f.in, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fifo.Close()
	args := []string{"batch", "--in", f.in, "--out", f.out, "--text-col", "review", "--checkpoint-every", "20ms"}
	cmd, stderr := startBatchChild(t, nil, args...)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	cut := len(f.data) * 6 / 10
	if _, err := fifo.Write(f.data[:cut]); err != nil {
		t.Fatal(err)
	}
	// Kill once a checkpoint has passed row 100: the child is still working
	// through the rows it has, or idling with a record half read.
	cp := waitForCheckpoint(t, f.out+".checkpoint", 100, exited)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-exited
	if cp.Complete {
		t.Fatal("the child finished although its input was cut short")
	}
	t.Logf("killed after checkpoint row %d of %d complete records; child stderr:\n%s", cp.Row, completeRecords(t, f.data, cut), stderr)

	// A torn last line, as a kill in the middle of a write leaves it.
	for _, p := range []string{f.out, f.errs} {
		file, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		file.WriteString("crm-999999,customer 1,\"half a rev")
		file.Close()
	}
	// The export is complete now, as a regular file.
	fifo.Close()
	if err := os.Remove(f.in); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f.in, f.data, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runBatchCmd(t, nil, nil, append(args[1:], "--resume")...)
	if code != 0 {
		t.Fatalf("resume: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "resuming "+f.out+" after row ") {
		t.Errorf("resume stderr:\n%s", errOut)
	}
	f.check(t)

	// Resuming a finished run changes nothing.
	code, _, errOut = runBatchCmd(t, nil, nil, append(args[1:], "--resume")...)
	if code != 0 || !strings.Contains(errOut, "is already complete") {
		t.Errorf("second resume: exit %d: %s", code, errOut)
	}
	f.check(t)
}

// TestBatchResumeAfterInterrupt stops a run reading standard input with
// SIGINT (Ctrl-C), then resumes it from standard input, which is read and
// skipped up to the checkpoint.
func TestBatchResumeAfterInterrupt(t *testing.T) {
	t.Parallel()
	f := newResumeFixture(t, 500)
	// An OS pipe, handed to the child as is: exec copies from any other
	// reader in a goroutine that Wait would wait for.
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	args := []string{"batch", "--in", "-", "--out", f.out, "--text-col", "review", "--checkpoint-every", "20ms"}
	cmd, stderr := startBatchChild(t, pr, args...)
	pr.Close()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	cut := len(f.data) / 2
	go pw.Write(f.data[:cut])
	complete := completeRecords(t, f.data, cut)
	waitForCheckpoint(t, f.out+".checkpoint", complete, exited)
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			t.Errorf("interrupted child: %v, want exit status 1", err)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the child did not stop on SIGINT")
	}
	pw.Close()
	if want := "interrupted after row " + strconv.Itoa(complete) + "; run the same command with --resume to continue"; !strings.Contains(stderr.String(), want) {
		t.Errorf("child stderr lacks %q:\n%s", want, stderr)
	}
	code, _, errOut := runBatchCmd(t, bytes.NewReader(f.data), nil, append(args[1:], "--resume")...)
	if code != 0 {
		t.Fatalf("resume: exit %d: %s", code, errOut)
	}
	f.check(t)
}

// TestBatchResumeRefusals covers the resumes that must not go ahead.
func TestBatchResumeRefusals(t *testing.T) {
	f := newResumeFixture(t, 60)
	if err := os.WriteFile(f.in, f.data, 0o644); err != nil {
		t.Fatal(err)
	}
	base := []string{"--in", f.in, "--out", f.out, "--text-col", "review", "--quiet"}
	if code, _, errOut := runBatchCmd(t, nil, nil, base...); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// A run killed after its last checkpoint but before it could mark
	// itself complete, in the middle of writing a line: the resume has no
	// row left to write, so only cutting the files back removes the tear.
	var cp batchCheckpoint
	json.Unmarshal([]byte(readFile(t, f.out+".checkpoint")), &cp)
	cp.Complete = false
	incomplete, _ := json.Marshal(cp)
	os.WriteFile(f.out+".checkpoint", incomplete, 0o644)
	for _, p := range []string{f.out, f.errs} {
		file, _ := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
		file.WriteString("crm-999999,customer 1,\"half a rev")
		file.Close()
	}
	if code, _, errOut := runBatchCmd(t, nil, nil, append(base, "--resume")...); code != 0 {
		t.Fatalf("resume with nothing left: exit %d: %s", code, errOut)
	}
	f.check(t)

	os.WriteFile(f.out+".checkpoint", incomplete, 0o644)
	code, _, errOut := runBatchCmd(t, nil, nil, append(base, "--resume", "--columns", "traits")...)
	if code != 1 || !strings.Contains(errOut, `--resume: columns was ["language","traits","percentiles","mindset","flags"] and is now ["traits"]`) {
		t.Errorf("changed columns: exit %d: %s", code, errOut)
	}
	os.Truncate(f.out, 10)
	code, _, errOut = runBatchCmd(t, nil, nil, append(base, "--resume")...)
	if code != 1 || !strings.Contains(errOut, "but the checkpoint vouches for") {
		t.Errorf("shortened output: exit %d: %s", code, errOut)
	}
	os.WriteFile(f.out+".checkpoint", []byte("{"), 0o644)
	code, _, errOut = runBatchCmd(t, nil, nil, append(base, "--resume")...)
	if code != 1 || !strings.Contains(errOut, "delete it to start over") {
		t.Errorf("broken checkpoint: exit %d: %s", code, errOut)
	}
	// Without a checkpoint, --resume starts from the beginning.
	os.Remove(f.out + ".checkpoint")
	code, _, errOut = runBatchCmd(t, nil, nil, "--in", f.in, "--out", f.out, "--text-col", "review", "--resume")
	if code != 0 || !strings.Contains(errOut, "starting from the beginning") {
		t.Errorf("no checkpoint: exit %d: %s", code, errOut)
	}
	f.check(t)
}

//go:build unix

package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mindprint/mindprint/classifier"
)

// The batch benchmarks generate a CSV of mixed-language reviews (en, fi, lv,
// pl in turn; texts from batchSentences) in a temporary folder. They take
// about a minute each on two cores, so run them one iteration at a time:
//
//	go test -run '^$' -bench 'BatchThroughput|BatchMemory' -benchtime 1x ./cmd/mindprint

// writeBenchCSV writes rows generated reviews to dir and returns the path.
func writeBenchCSV(b *testing.B, dir string, rows int) string {
	b.Helper()
	path := filepath.Join(dir, "reviews-"+strconv.Itoa(rows)+".csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	if err := genBatchCSV(w, rows, 1, false); err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkBatchThroughput compares, on the same 100,000 texts and with
// every core, the batch path (read the CSV, analyse, write the enriched
// CSV and checkpoints) with the analysis library alone (Analyze called from
// GOMAXPROCS goroutines on texts already in memory). batch/lib is the share
// of the library's throughput that batch keeps; the target is 0.8 or more.
func BenchmarkBatchThroughput(b *testing.B) {
	const rows = 100_000
	dir := b.TempDir()
	in := writeBenchCSV(b, dir, rows)
	texts := readReviews(b, in)
	env := &environ{stdin: os.Stdin, stdout: io.Discard, stderr: io.Discard, getenv: os.Getenv} // MINDPRINT_LEXICONS and MINDPRINT_NORMS apply
	an, err := newAnalyzer(env)
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := parseBatchFlags(env, []string{"--in", in, "--out", filepath.Join(dir, "out.csv"), "--text-col", "review", "--quiet"})
	if err != nil {
		b.Fatal(err)
	}
	workers := runtime.GOMAXPROCS(0)
	analyzeAll(b, an, texts[:2000], workers) // warm up
	var lib, batch, libCPU, batchCPU time.Duration
	for b.Loop() {
		start, cpu := time.Now(), cpuTime()
		analyzeAll(b, an, texts, workers)
		lib += time.Since(start)
		libCPU += cpuTime() - cpu
		start, cpu = time.Now(), cpuTime()
		if err := batchRun(context.Background(), env, an, cfg); err != nil {
			b.Fatal(err)
		}
		batch += time.Since(start)
		batchCPU += cpuTime() - cpu
	}
	libRate := float64(rows*b.N) / lib.Seconds()
	batchRate := float64(rows*b.N) / batch.Seconds()
	b.ReportMetric(libRate, "lib-rows/s")
	b.ReportMetric(batchRate, "batch-rows/s")
	b.ReportMetric(batchRate/libRate, "batch/lib")
	// On a shared machine wall time swings with the neighbours' load; the
	// CPU time each path spends per row does not, so report that ratio too.
	b.ReportMetric(libCPU.Seconds()/batchCPU.Seconds(), "batch/lib-cpu")
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// readReviews returns the review column of a generated CSV.
func readReviews(b *testing.B, path string) []string {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(bufio.NewReader(f)).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	texts := make([]string, 0, len(recs)-1)
	for _, r := range recs[1:] {
		texts = append(texts, r[2])
	}
	return texts
}

// analyzeAll is the library's own throughput: workers goroutines taking the
// next text until none is left.
func analyzeAll(b *testing.B, an *classifier.Analyzer, texts []string, workers int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(texts) {
					return
				}
				if _, err := an.Analyze(classifier.Input{Text: texts[i]}); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkBatchMemory runs the batch command in a child process (this test
// binary, as TestBatchHelperProcess) on 25,000 and 100,000 rows and reports
// each run's peak resident memory: it must stay flat as the file grows,
// since rows stream through a bounded pipeline.
//
// The peak is VmHWM from /proc/<pid>/status, read every 50 ms while the
// child runs. The child's ru_maxrss would not do: the child starts as a
// vfork of this process, and Linux carries the parent's high-water mark
// (the benchmark's own memory) into it across exec.
func BenchmarkBatchMemory(b *testing.B) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("needs /proc")
	}
	dir := b.TempDir()
	for b.Loop() {
		for _, rows := range []int{25_000, 100_000} {
			in := writeBenchCSV(b, dir, rows)
			out := filepath.Join(dir, "out-"+strconv.Itoa(rows)+".csv")
			start := time.Now()
			cmd, stderr := startBatchChild(b, nil, "batch", "--in", in, "--out", out, "--text-col", "review", "--quiet")
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			status := "/proc/" + strconv.Itoa(cmd.Process.Pid) + "/status"
			var peakKB int
			var err error
		poll:
			for {
				if kb := vmHWM(status); kb > peakKB {
					peakKB = kb
				}
				select {
				case err = <-exited:
					break poll
				case <-time.After(50 * time.Millisecond):
				}
			}
			elapsed := time.Since(start)
			if err != nil {
				b.Fatalf("%d rows: %v\n%s", rows, err, stderr)
			}
			name := strconv.Itoa(rows/1000) + "k"
			b.ReportMetric(float64(peakKB)/1024, "peakRSS-MB-"+name)
			b.ReportMetric(float64(rows)/elapsed.Seconds(), "process-rows/s-"+name) // start-up included
		}
	}
}

// vmHWM reads the peak resident set size, in KiB, from a /proc status
// file; 0 when it cannot.
func vmHWM(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return kb
		}
	}
	return 0
}

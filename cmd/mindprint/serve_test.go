package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mindprint/mindprint/api"
)

// serveEnv returns an environ with the given variables and captured output.
func serveEnv(vars map[string]string, stdin string) (*environ, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return &environ{
		stdin:  strings.NewReader(stdin),
		stdout: &out,
		stderr: &errOut,
		getenv: func(k string) string { return vars[k] },
	}, &out, &errOut
}

func TestParseServe(t *testing.T) {
	def := api.DefaultConfig()
	tests := []struct {
		name string
		args []string
		vars map[string]string
		want func(*api.Config)
		lex  string
	}{
		{name: "defaults", want: func(*api.Config) {}},
		{name: "flags", args: []string{"--addr", "127.0.0.1:9999", "--data", "/tmp/d", "--max-body", "2MiB", "--max-text", "512KiB",
			"--batch-max-body", "64MB", "--batch-max-lines", "50", "--rate", "2.5", "--burst", "7", "--timeout", "3s",
			"--batch-timeout", "1m", "--insecure", "--keys-file", "k.yaml", "--workers", "3", "--lexicons", "/lex"},
			want: func(c *api.Config) {
				c.Addr, c.DataDir, c.MaxBodyBytes, c.MaxTextBytes = "127.0.0.1:9999", "/tmp/d", 2<<20, 512<<10
				c.BatchMaxBodyBytes, c.BatchMaxLines, c.RatePerSecond, c.RateBurst = 64_000_000, 50, 2.5, 7
				c.RequestTimeout, c.BatchTimeout, c.Insecure, c.KeysFile, c.BatchWorkers = 3*time.Second, time.Minute, true, "k.yaml", 3
			},
			lex: "/lex"},
		{name: "environment", vars: map[string]string{"MINDPRINT_ADDR": "localhost:7000", "MINDPRINT_RATE": "0",
			"MINDPRINT_INSECURE": "true", "MINDPRINT_MAX_BODY": "1000", "MINDPRINT_LEXICONS": "/envlex"},
			want: func(c *api.Config) {
				c.Addr, c.RatePerSecond, c.Insecure, c.MaxBodyBytes = "localhost:7000", 0, true, 1000
			},
			lex: "/envlex"},
		{name: "flag beats environment", args: []string{"--addr", "127.0.0.1:1", "--lexicons", "/flaglex"},
			vars: map[string]string{"MINDPRINT_ADDR": "127.0.0.1:2", "MINDPRINT_BURST": "9", "MINDPRINT_LEXICONS": "/envlex"},
			want: func(c *api.Config) { c.Addr, c.RateBurst = "127.0.0.1:1", 9 },
			lex:  "/flaglex"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _, stderr := serveEnv(tt.vars, "")
			st, err := parseServe(env, tt.args)
			if err != nil {
				t.Fatalf("parseServe: %v; stderr %s", err, stderr)
			}
			want := def
			tt.want(&want)
			if diff := cmp.Diff(want, st.cfg); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
			if st.lexDir != tt.lex {
				t.Errorf("lexicons %q, want %q", st.lexDir, tt.lex)
			}
		})
	}
}

func TestParseServeErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		vars map[string]string
		want string // in stderr
	}{
		{"bad size flag", []string{"--max-body", "lots"}, nil, "want a size"},
		{"bad env duration", nil, map[string]string{"MINDPRINT_TIMEOUT": "soon"}, `MINDPRINT_TIMEOUT="soon": want a duration`},
		{"bad env bool", nil, map[string]string{"MINDPRINT_INSECURE": "maybe"}, `MINDPRINT_INSECURE="maybe": want true or false`},
		{"invalid config", []string{"--batch-max-lines", "0"}, nil, "batch max lines 0: must be positive"},
		{"stray argument", []string{"now"}, nil, `unexpected argument "now"`},
		{"bad log level", []string{"--log-level", "loud"}, nil, "want debug, info, warn or error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _, stderr := serveEnv(tt.vars, "")
			_, err := parseServe(env, tt.args)
			if !errors.Is(err, errUsage) {
				t.Fatalf("err = %v, want a usage error", err)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr %q lacks %q", stderr, tt.want)
			}
		})
	}
}

// TestServeHelp: --help documents every flag with its environment variable.
func TestServeHelp(t *testing.T) {
	env, stdout, _ := serveEnv(nil, "")
	if err := runServe(context.Background(), env, []string{"--help"}); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err = %v", err)
	}
	help := stdout.String()
	for _, want := range []string{"MINDPRINT_API_KEYS", "MINDPRINT_NORMS", "--hash-key", "127.0.0.1:8080", "./mindprint-data"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	n := 0
	for line := range strings.Lines(help) {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "-") {
			continue
		}
		n++
		name, _, _ := strings.Cut(strings.TrimPrefix(line, "-"), " ")
		if name == "hash-key" {
			continue
		}
		wantEnv := "$MINDPRINT_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		if !strings.Contains(help, wantEnv) {
			t.Errorf("flag -%s: help does not name %s", name, wantEnv)
		}
	}
	if n < 19 {
		t.Errorf("only %d flags documented", n)
	}
}

func TestServeHashKey(t *testing.T) {
	env, stdout, _ := serveEnv(nil, "correct-horse-battery-staple\n")
	if err := runServe(context.Background(), env, []string{"--hash-key"}); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(stdout.String()), api.HashKey("correct-horse-battery-staple"); got != want {
		t.Errorf("hash %q, want %q", got, want)
	}
	env, _, _ = serveEnv(nil, "short\n")
	if err := runServe(context.Background(), env, []string{"--hash-key"}); err == nil || !strings.Contains(err.Error(), "at least 16") {
		t.Errorf("short key: %v", err)
	}
}

// TestServeRefusesOpenNonLoopback: no keys and a public address stop
// start-up with a message naming the way out, before anything loads.
func TestServeRefusesOpenNonLoopback(t *testing.T) {
	env, _, _ := serveEnv(map[string]string{"MINDPRINT_DATA": t.TempDir()}, "")
	err := runServe(context.Background(), env, []string{"--addr", "0.0.0.0:0"})
	if err == nil || !strings.Contains(err.Error(), "--insecure") {
		t.Fatalf("err = %v", err)
	}
	env, _, _ = serveEnv(map[string]string{"MINDPRINT_API_KEYS": "a:short:analyze"}, "")
	if err := runServe(context.Background(), env, []string{"--data", t.TempDir()}); err == nil || !strings.Contains(err.Error(), "shorter than 16") {
		t.Errorf("bad MINDPRINT_API_KEYS: %v", err)
	}
}

// buildServeBinary builds the real mindprint binary into dir.
func buildServeBinary(t testing.TB, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "mindprint")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// lockedBuffer collects a process's standard error.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serveProcess is a running `mindprint serve`.
type serveProcess struct {
	cmd    *exec.Cmd
	base   string
	stderr *lockedBuffer
	done   chan error    // receives the exit error once
	exited chan struct{} // closed when the process has exited
}

// startServe starts bin serve on a free loopback port (--addr 127.0.0.1:0)
// and returns once its "listening" log line names the port.
func startServe(t testing.TB, bin string, env []string, args ...string) *serveProcess {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serveProcess{cmd: cmd, stderr: &lockedBuffer{}, done: make(chan error, 1), exited: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		found := false
		for sc.Scan() {
			line := sc.Bytes()
			p.stderr.Write(append(slices.Clone(line), '\n'))
			if found {
				continue
			}
			var rec struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal(line, &rec) == nil && rec.Msg == "listening" {
				found = true
				addr <- rec.Addr
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	go func() {
		err := cmd.Wait()
		pw.Close()
		close(p.exited)
		p.done <- err
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = cmd.Process.Kill()
			<-p.exited
		}
	})
	select {
	case a := <-addr:
		p.base = "http://" + a
	case err := <-p.done:
		t.Fatalf("serve exited before listening: %v\n%s", err, p.stderr)
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not listen within 60s\n%s", p.stderr)
	}
	return p
}

// waitReady polls /readyz until 200.
func (p *serveProcess) waitReady(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(120 * time.Second)
	for {
		resp, err := http.Get(p.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready after 120s\n%s", p.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// call sends one request and returns the status and body.
func (p *serveProcess) call(t testing.TB, method, path, key, contentType, body string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, p.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// Reviews of about 300 bytes in the four languages, for the end-to-end test
// and the load benchmark.
var serveReviews = []string{
	"Ordered the travel backpack after reading a dozen reviews. It arrived two days early, the zips feel sturdy and " +
		"there is a clever pocket for everything. I love discovering gear like this before a trip. Customer service " +
		"answered my question about straps within an hour, which is rare. Would happily recommend.",
	"Tilasin uuden kahvinkeittimen ja olen todella tyytyväinen. Se on nopea, hiljainen ja helppo puhdistaa. " +
		"Ohjeet olivat selkeät, ja asiakaspalvelu vastasi kysymykseeni samana päivänä. Kokeilen mielelläni uusia " +
		"reseptejä, joten säädettävä vahvuus on minulle tärkeä. Suosittelen lämpimästi muillekin.",
	"Kupiłem ten ekspres miesiąc temu i jestem zadowolony. Działa cicho, szybko się nagrzewa i łatwo go wyczyścić. " +
		"Obsługa klienta odpowiedziała na moje pytanie jeszcze tego samego dnia. Lubię próbować nowych smaków, " +
		"więc regulacja mocy kawy bardzo mi się przydaje. Polecam wszystkim.",
	"Pasūtīju jauno kafijas automātu un esmu ļoti apmierināts. Tas strādā klusi, ātri uzsilst un to ir viegli " +
		"tīrīt. Klientu apkalpošana atbildēja uz manu jautājumu tajā pašā dienā. Man patīk izmēģināt jaunas garšas, " +
		"tāpēc stipruma regulēšana man ir ļoti noderīga. Iesaku visiem.",
}

const (
	serveSecret = "e2e-analyze-secret-0123456789"
	adminSecret = "e2e-admin-secret-abcdefghijk"
)

// TestServeEndToEnd builds the real binary, starts it on a free loopback
// port and talks to it over HTTP: readiness, auth, analysis, batch,
// metrics, logs, and a SIGTERM while a batch streams.
func TestServeEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := buildServeBinary(t, dir)
	data := filepath.Join(dir, "data")
	p := startServe(t, bin, []string{"MINDPRINT_API_KEYS=e2e:" + serveSecret + ":analyze,ops:" + adminSecret + ":admin"},
		"--data", data, "--rate", "0", "--workers", "2")
	if code, _, _ := p.call(t, "GET", "/livez", "", "", ""); code != 200 {
		t.Errorf("/livez %d", code)
	}
	p.waitReady(t)
	if fi, err := os.Stat(data); err != nil || !fi.IsDir() {
		t.Errorf("data folder not created: %v", err)
	}

	const marker = "Quixotic-e2e-marker-9931"
	body := fmt.Sprintf(`{"id":"e2e-1","text":%q,"source":"review"}`, serveReviews[1]+" "+marker)
	if code, _, _ := p.call(t, "POST", "/v1/analyze", "", "application/json", body); code != 401 {
		t.Errorf("no key: %d", code)
	}
	code, hdr, b := p.call(t, "POST", "/v1/analyze", serveSecret, "application/json", body)
	if code != 200 || hdr.Get("X-Request-ID") == "" {
		t.Fatalf("analyze: %d %s", code, b)
	}
	var res struct {
		ID       string `json:"id"`
		Language struct {
			Code string `json:"code"`
		} `json:"language"`
		Words          int            `json:"words"`
		Traits         map[string]any `json:"traits"`
		LexiconVersion string         `json:"lexicon_version"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if res.ID != "e2e-1" || res.Language.Code != "fi" || res.Words < 30 || len(res.Traits) != 5 || res.LexiconVersion == "" {
		t.Errorf("analysis: %s", b)
	}

	batch := ""
	for i, r := range serveReviews {
		batch += fmt.Sprintf(`{"id":"b%d","text":%q}`+"\n", i, r)
	}
	batch += "{not json\n"
	code, hdr, b = p.call(t, "POST", "/v1/analyze/batch", serveSecret, "application/x-ndjson", batch)
	if code != 200 || hdr.Get("Content-Type") != api.NDJSONContentType {
		t.Fatalf("batch: %d %s", code, b)
	}
	var ids []string
	for line := range bytes.Lines(b) {
		var r struct {
			ID    string         `json:"id"`
			Line  int            `json:"line"`
			Error map[string]any `json:"error"`
		}
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatalf("batch line %q: %v", line, err)
		}
		if r.Error != nil {
			ids = append(ids, "error@"+strconv.Itoa(r.Line))
		} else {
			ids = append(ids, r.ID)
		}
	}
	if diff := cmp.Diff([]string{"b0", "b1", "b2", "b3", "error@5"}, ids); diff != "" {
		t.Errorf("batch lines (-want +got):\n%s", diff)
	}

	if code, _, _ := p.call(t, "GET", "/metrics", serveSecret, "", ""); code != 403 {
		t.Errorf("/metrics with an analyze key: %d", code)
	}
	code, _, b = p.call(t, "GET", "/metrics", adminSecret, "", "")
	if code != 200 || !strings.Contains(string(b), `mindprint_analyses_total{language="fi"}`) || !strings.Contains(string(b), `mindprint_batch_lines_total{result="error"} 1`) {
		t.Errorf("/metrics: %d\n%s", code, b)
	}
	if code, _, b := p.call(t, "GET", "/openapi.json", "", "", ""); code != 200 || !bytes.Contains(b, []byte(`"/v1/analyze/batch"`)) {
		t.Errorf("/openapi.json: %d", code)
	}

	// SIGTERM while a batch streams: the batch is answered in full and the
	// process exits 0.
	var big strings.Builder
	const n = 300
	for i := range n {
		fmt.Fprintf(&big, `{"id":"s%d","text":%q}`+"\n", i, serveReviews[i%len(serveReviews)])
	}
	req, _ := http.NewRequest("POST", p.base+"/v1/analyze/batch", strings.NewReader(big.String()))
	req.Header.Set("Authorization", "Bearer "+serveSecret)
	req.Header.Set("Content-Type", api.NDJSONContentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(resp.Body)
	if _, err := br.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	lines := 1
	for {
		if _, err := br.ReadString('\n'); err != nil {
			break
		}
		lines++
	}
	resp.Body.Close()
	if lines != n {
		t.Errorf("%d of %d batch lines answered across SIGTERM", lines, n)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("no exit within 60s of SIGTERM")
	}

	logs := p.stderr.String()
	if strings.Contains(logs, marker) || strings.Contains(logs, "kahvinkeittimen") {
		t.Errorf("customer text in the logs")
	}
	if strings.Contains(logs, serveSecret) {
		t.Errorf("a secret in the logs")
	}
	for _, want := range []string{`"msg":"ready"`, `"msg":"shutting down"`, `"msg":"stopped"`, `"route":"/v1/analyze"`, `"key":"e2e"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s", want)
		}
	}
	for line := range strings.Lines(logs) {
		if !json.Valid([]byte(line)) {
			t.Errorf("log line is not JSON: %q", line)
		}
	}
}

// TestServeOpenLoopbackWarns: without keys on loopback the server runs and
// says so loudly.
func TestServeOpenLoopbackWarns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	p := startServe(t, buildServeBinary(t, dir), nil, "--data", filepath.Join(dir, "data"))
	if code, _, _ := p.call(t, "GET", "/livez", "", "", ""); code != 200 {
		t.Errorf("/livez %d", code)
	}
	if !strings.Contains(p.stderr.String(), "NO API KEYS CONFIGURED") {
		t.Errorf("no loud warning:\n%s", p.stderr)
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-p.done; err != nil {
		t.Errorf("exit: %v", err)
	}
}

// BenchmarkServeLoad is the load test: it builds and starts the real
// binary, then 50 keep-alive connections post ~300-byte reviews to
// /v1/analyze for a fixed time (MINDPRINT_LOAD_SECONDS, default 10). With
// MINDPRINT_LOAD_RPS set, the connections are paced to that total rate
// (open loop); otherwise each sends its next request as soon as the last
// is answered (closed loop, the maximum rate). It reports requests per
// second, p50/p99 latency, errors, and the server's peak resident memory.
//
//	go test ./cmd/mindprint -run '^$' -bench BenchmarkServeLoad -benchtime 1x
//	MINDPRINT_LOAD_RPS=500 go test ./cmd/mindprint -run '^$' -bench BenchmarkServeLoad -benchtime 1x
func BenchmarkServeLoad(b *testing.B) {
	const conns = 50
	seconds := 10.0
	if v, err := strconv.ParseFloat(os.Getenv("MINDPRINT_LOAD_SECONDS"), 64); err == nil && v > 0 {
		seconds = v
	}
	rps := 0.0
	if v, err := strconv.ParseFloat(os.Getenv("MINDPRINT_LOAD_RPS"), 64); err == nil && v > 0 {
		rps = v
	}
	dir := b.TempDir()
	p := startServe(b, buildServeBinary(b, dir), []string{"MINDPRINT_API_KEYS=load:" + serveSecret + ":analyze"},
		"--data", filepath.Join(dir, "data"), "--rate", "0")
	p.waitReady(b)
	bodies := make([][]byte, len(serveReviews))
	for i, r := range serveReviews {
		bodies[i] = fmt.Appendf(nil, `{"id":"load-%d","text":%q,"source":"review"}`, i, r)
	}
	// Warm up: every connection once.
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	post := func(body []byte) error {
		req, _ := http.NewRequest("POST", p.base+"/v1/analyze", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+serveSecret)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	}
	for i := range 2 * conns {
		if err := post(bodies[i%len(bodies)]); err != nil {
			b.Fatal(err)
		}
	}

	var (
		mu        sync.Mutex
		latencies []time.Duration
		errs      int
		peakRSS   int64
	)
	stopRSS := make(chan struct{})
	rssDone := make(chan struct{})
	go func() {
		defer close(rssDone)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			if kb := procStatusKB(p.cmd.Process.Pid, "VmRSS"); kb > peakRSS {
				peakRSS = kb
			}
			select {
			case <-stopRSS:
				return
			case <-t.C:
			}
		}
	}()
	b.ResetTimer()
	start := time.Now()
	deadline := start.Add(time.Duration(seconds * float64(time.Second)))
	var wg sync.WaitGroup
	for c := range conns {
		wg.Go(func() {
			var local []time.Duration
			localErrs := 0
			interval := time.Duration(0)
			next := time.Now()
			if rps > 0 {
				interval = time.Duration(float64(time.Second) * conns / rps)
				next = next.Add(time.Duration(c) * interval / conns) // spread the connections
			}
			for i := c; ; i++ {
				if interval > 0 {
					if d := time.Until(next); d > 0 {
						time.Sleep(d)
					}
					next = next.Add(interval)
				}
				t0 := time.Now()
				if t0.After(deadline) {
					break
				}
				if err := post(bodies[i%len(bodies)]); err != nil {
					localErrs++
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			latencies = append(latencies, local...)
			errs += localErrs
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	close(stopRSS)
	<-rssDone
	hwm := procStatusKB(p.cmd.Process.Pid, "VmHWM")
	slices.Sort(latencies)
	q := func(f float64) float64 {
		if len(latencies) == 0 {
			return math.NaN()
		}
		return float64(latencies[min(len(latencies)-1, int(f*float64(len(latencies))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "req/s")
	b.ReportMetric(q(0.50), "p50_ms")
	b.ReportMetric(q(0.99), "p99_ms")
	b.ReportMetric(float64(errs), "errors")
	b.ReportMetric(float64(peakRSS)/1024, "rss_MiB")
	b.ReportMetric(float64(hwm)/1024, "rss_peak_MiB")
	b.Logf("%d requests in %.1fs over %d connections (target %s), GOMAXPROCS=%d: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms, %d errors, RSS under load %.0f MiB (high-water %.0f MiB)",
		len(latencies), elapsed.Seconds(), conns, map[bool]string{true: fmt.Sprintf("%.0f req/s", rps), false: "closed loop"}[rps > 0],
		runtime.GOMAXPROCS(0), q(0.5), q(0.9), q(0.99), q(1), errs, float64(peakRSS)/1024, float64(hwm)/1024)
	if errs > 0 {
		b.Errorf("%d requests failed", errs)
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	<-p.done
}

// procStatusKB reads a kB field (VmRSS, VmHWM) of /proc/<pid>/status; 0
// where /proc is missing.
func procStatusKB(pid int, field string) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

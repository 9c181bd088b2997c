package api

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/mindprint/mindprint/classifier"
)

// served is a server answering on a loopback port through Serve.
type served struct {
	base string
	stop func() error // cancels Serve's context and returns its error
}

func serveLoopback(t *testing.T, s *Server, load func() (*classifier.Analyzer, error)) served {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln, load) }()
	var once sync.Once
	var result error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case result = <-done:
			case <-time.After(30 * time.Second):
				result = errors.New("Serve did not return within 30s")
			}
		})
		return result
	}
	t.Cleanup(func() { _ = stop() })
	return served{base: "http://" + ln.Addr().String(), stop: stop}
}

func get(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestServeReadiness(t *testing.T) {
	cfg := DefaultConfig()
	s, err := New(cfg, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	gate := make(chan struct{})
	srv := serveLoopback(t, s, func() (*classifier.Analyzer, error) {
		<-gate
		return sharedAnalyzer()
	})
	if c := get(t, srv.base+"/livez"); c != 200 {
		t.Errorf("/livez while loading: %d", c)
	}
	if c := get(t, srv.base+"/readyz"); c != 503 {
		t.Errorf("/readyz while loading: %d", c)
	}
	close(gate)
	waitFor(t, 60*time.Second, "/readyz 200", func() bool { return get(t, srv.base+"/readyz") == 200 })
	if err := srv.stop(); err != nil {
		t.Errorf("Serve: %v", err)
	}
}

func TestServeLoadFailure(t *testing.T) {
	s, err := New(DefaultConfig(), Deps{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Serve(context.Background(), ln, func() (*classifier.Analyzer, error) {
		return nil, errors.New("fi/openness.yaml:12: duplicate entry")
	})
	if err == nil || !strings.Contains(err.Error(), "fi/openness.yaml:12: duplicate entry") {
		t.Fatalf("Serve = %v, want the load error", err)
	}
}

// batchBody is n lines of a Finnish review, each with its id.
func batchBody(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"id":"%d","text":%q}`+"\n", i, reviewFI+" "+reviewEN)
	}
	return b.String()
}

// TestServeGracefulShutdown: a batch streaming when shutdown starts is
// answered in full, and Serve returns cleanly.
func TestServeGracefulShutdown(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.BatchWorkers = 1 }, Deps{})
	srv := serveLoopback(t, ts.Server, nil)
	const n = 400
	resp, err := http.Post(srv.base+"/v1/analyze/batch", NDJSONContentType, strings.NewReader(batchBody(n)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	if _, err := br.ReadString('\n'); err != nil {
		t.Fatalf("first line: %v", err)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- srv.stop() }()
	lines := 1
	for {
		_, err := br.ReadString('\n')
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("after %d lines: %v", lines, err)
		}
		lines++
	}
	if lines != n {
		t.Errorf("%d lines answered during shutdown, want %d", lines, n)
	}
	if err := <-stopped; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := http.Get(srv.base + "/livez"); err == nil {
		t.Error("the server still accepts connections after shutdown")
	}
}

// TestServeClientGone: when the client disconnects mid-batch, the work
// stops instead of running to the end.
func TestServeClientGone(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.BatchWorkers = 1 }, Deps{})
	srv := serveLoopback(t, ts.Server, nil)
	const n = 5000
	resp, err := http.Post(srv.base+"/v1/analyze/batch", NDJSONContentType, strings.NewReader(batchBody(n)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bufio.NewReader(resp.Body).ReadString('\n'); err != nil {
		t.Fatalf("first line: %v", err)
	}
	resp.Body.Close() // closes the connection: the body was not read to the end
	waitFor(t, 60*time.Second, "the batch to stop", func() bool {
		return strings.Contains(ts.logs.String(), `"outcome":"client_gone"`)
	})
	var answered int
	for line := range strings.Lines(ts.logs.String()) {
		if strings.Contains(line, `"outcome":"client_gone"`) {
			if _, err := fmt.Sscanf(line[strings.Index(line, `"lines_answered":`):], `"lines_answered":%d`, &answered); err != nil {
				t.Fatal(err)
			}
		}
	}
	if answered >= n {
		t.Errorf("%d of %d lines were analysed after the client left", answered, n)
	}
}

// TestServeBodyOverServerLimit: a body over the server-wide limit is refused
// from its Content-Length, before it is read, with a problem answer that is
// logged once with its final status.
func TestServeBodyOverServerLimit(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.MaxBodyBytes, c.BatchMaxBodyBytes = 64<<10, 1<<20 }, Deps{})
	srv := serveLoopback(t, ts.Server, nil)
	for _, path := range []string{"/v1/analyze/batch", "/v1/analyze"} {
		t.Run(path, func(t *testing.T) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(srv.base, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: test\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", path, NDJSONContentType, 2<<20)
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 413 || resp.Header.Get("Content-Type") != ProblemContentType || !strings.Contains(string(body), TypeTooLarge) {
				t.Errorf("%d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
		})
	}
	logs := ts.logs.String()
	if strings.Count(logs, `"route":"/v1/analyze/batch","status":413`) != 1 || strings.Count(logs, `"route":"/v1/analyze","status":413`) != 1 ||
		strings.Contains(logs, `"status":404`) {
		t.Errorf("want two 413 log lines and no other:\n%s", logs)
	}
}

// TestStreamWriteTimeout: fasthttp sets the write deadline once, before a
// streamed answer is written, so every stream (the batch, the copy export)
// and every batch-sized route must get the batch's write timeout, and
// ordinary routes the server's.
func TestStreamWriteTimeout(t *testing.T) {
	s, _ := newCopyServer(t, nil)
	long := s.Config().BatchTimeout + 30*time.Second
	tests := []struct {
		name, uri string
		want      time.Duration
	}{
		{"batch", "/v1/analyze/batch", long},
		{"copy export", "/v1/copy/export", long},
		{"copy export with a query", "/v1/copy/export?lang=fi", long},
		{"copy export, absolute form", "http://example.com/v1/copy/export#x", long},
		{"copy import", "/v1/copy/import", long},
		{"analyze", "/v1/analyze", 0},
		{"a variant", "/v1/copy/export-not", 0},
		{"unknown path", "/nope", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h fasthttp.RequestHeader
			h.SetRequestURI(tt.uri)
			if got := s.requestConfig(&h).WriteTimeout; got != tt.want {
				t.Errorf("WriteTimeout = %s, want %s", got, tt.want)
			}
		})
	}
}

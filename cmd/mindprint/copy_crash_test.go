package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mindprint/mindprint/corpora/copylib"
)

const crashSecret = "crash-copy-writer-secret-0123"

// copyState is what a writer last had acknowledged for one variant, and
// what it had in flight when the server died (a write that may or may not
// have committed).
type copyState struct {
	version  int
	text     string
	inFlight string // text of an unacknowledged update, "" when none
}

// crashClient talks to a `mindprint serve` under test with the writer key.
type crashClient struct {
	base string
	http *http.Client
}

func (c *crashClient) do(method, path, ifMatch, body string) (int, http.Header, []byte, error) {
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+crashSecret)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b, err
}

func crashVariant(id, text string) string {
	b, _ := json.Marshal(copylib.Variant{ID: id, Lang: "en", Kind: "cta", Text: text, Traits: []string{"openness:high"},
		Mindset: "growth", Industries: []string{"travel"}, Touchpoint: "landing_page", Tags: []string{"crash-test"}})
	return string(b)
}

// streamWrites runs writers that create variants (and now and then update
// their last one) until the server stops answering, recording every
// acknowledged write in acked. An answer other than success is an error.
func streamWrites(t *testing.T, c *crashClient, round, writers int, mu *sync.Mutex, acked map[string]*copyState) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			var last string
			for i := 0; ; i++ {
				if i%4 == 3 && last != "" {
					mu.Lock()
					st := acked[last]
					text := fmt.Sprintf("Revised: explore route %d-%d-%d with fresh eyes", round, w, i)
					st.inFlight = text
					etag := fmt.Sprintf(`"%d"`, st.version)
					mu.Unlock()
					code, hdr, _, err := c.do("PUT", "/v1/copy/"+last, etag, crashVariant(last, text))
					if err != nil {
						return
					}
					if code != 200 {
						t.Errorf("update %s: %d", last, code)
						return
					}
					mu.Lock()
					st.version, st.text, st.inFlight = etagVersion(t, hdr.Get("ETag")), text, ""
					mu.Unlock()
					continue
				}
				id := fmt.Sprintf("en-crash-r%d-w%d-%04d", round, w, i)
				text := fmt.Sprintf("Explore route %d-%d-%d and see where curiosity takes you", round, w, i)
				code, hdr, _, err := c.do("POST", "/v1/copy", "", crashVariant(id, text))
				if err != nil {
					return
				}
				if code != 201 {
					t.Errorf("create %s: %d", id, code)
					return
				}
				mu.Lock()
				acked[id] = &copyState{version: etagVersion(t, hdr.Get("ETag")), text: text}
				mu.Unlock()
				last = id
			}
		})
	}
	return &wg
}

func etagVersion(t *testing.T, etag string) int {
	n, err := copylib.ParseETag(etag)
	if err != nil {
		t.Errorf("ETag %q: %v", etag, err)
	}
	return n
}

// TestCopyCrashRecovery streams POST /v1/copy writes at the real binary,
// kills it with SIGKILL mid-stream, restarts it on the same data folder,
// and checks that every acknowledged write is there and that search (the
// index) agrees with the store. Then it checks the folder lock: `mindprint
// copy` is refused while serve runs and works after a graceful stop.
func TestCopyCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := buildServeBinary(t, dir)
	data := filepath.Join(dir, "data")
	env := []string{"MINDPRINT_API_KEYS=crash:" + crashSecret + ":copy:read+copy:write"}
	var mu sync.Mutex
	acked := map[string]*copyState{}
	var p *serveProcess
	for round := range 2 {
		p = startServe(t, bin, env, "--data", data, "--rate", "0")
		c := &crashClient{base: p.base, http: &http.Client{Timeout: 10 * time.Second}}
		wg := streamWrites(t, c, round, 3, &mu, acked)
		// Let writes flow, then kill the server in the middle of them.
		deadline := time.Now().Add(5 * time.Second)
		for {
			mu.Lock()
			n := len(acked)
			mu.Unlock()
			if n >= 40*(round+1) || time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-p.exited
		wg.Wait()
		if len(acked) == 0 {
			t.Fatalf("round %d: no write was acknowledged\n%s", round, p.stderr)
		}
		t.Logf("round %d: %d variants acknowledged so far", round, len(acked))
	}

	p = startServe(t, bin, env, "--data", data, "--rate", "0")
	c := &crashClient{base: p.base, http: &http.Client{Timeout: 10 * time.Second}}
	// Every acknowledged write survived: created variants exist, updates
	// hold their text (or, for an update cut off by the kill, the text it
	// was sending).
	for id, st := range acked {
		code, hdr, body, err := c.do("GET", "/v1/copy/"+id, "", "")
		if err != nil || code != 200 {
			t.Errorf("%s: acknowledged, then %d %v", id, code, err)
			continue
		}
		var v copylib.Variant
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatal(err)
		}
		switch {
		case v.Version == st.version && v.Text == st.text:
		case st.inFlight != "" && v.Version == st.version+1 && v.Text == st.inFlight:
		default:
			t.Errorf("%s: acknowledged v%d %q; stored v%d %q (ETag %s)", id, st.version, st.text, v.Version, v.Text, hdr.Get("ETag"))
		}
	}
	// The index agrees with the store: a filtered search finds every
	// written variant and nothing else, and a match-all search counts what
	// export streams.
	found := map[string]int{}
	cursor := ""
	for page := 0; ; page++ {
		q := url.Values{"tag": {"crash-test"}, "limit": {"100"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var res copylib.SearchResult
		getJSON(t, c, "/v1/copy?"+q.Encode(), &res)
		for _, h := range res.Hits {
			found[h.ID] = h.Version
		}
		if cursor = res.NextCursor; cursor == "" || page > 100 {
			if len(found) != res.Total {
				t.Errorf("paged through %d hits; total says %d", len(found), res.Total)
			}
			break
		}
	}
	for id, st := range acked {
		if v, ok := found[id]; !ok {
			t.Errorf("%s is stored but the index does not find it", id)
		} else if v < st.version {
			t.Errorf("%s: index has v%d, acknowledged v%d", id, v, st.version)
		}
	}
	exported := 0
	crashExported := 0
	code, _, body, err := c.do("GET", "/v1/copy/export", "", "")
	if err != nil || code != 200 {
		t.Fatalf("export: %d %v", code, err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(body)))
	sc.Buffer(make([]byte, 0, 1<<16), 1<<20)
	for sc.Scan() {
		var v copylib.Variant
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("export line %q: %v", sc.Text(), err)
		}
		exported++
		if strings.HasPrefix(v.ID, "en-crash-") {
			crashExported++
			if found[v.ID] != v.Version {
				t.Errorf("%s: store v%d, index v%d", v.ID, v.Version, found[v.ID])
			}
		}
	}
	var all copylib.SearchResult
	getJSON(t, c, "/v1/copy?limit=1", &all)
	if exported != all.Total || crashExported != len(found) {
		t.Errorf("export holds %d variants (%d written here); search counts %d (%d written here)", exported, crashExported, all.Total, len(found))
	}
	if len(found) < len(acked) {
		t.Errorf("%d written variants found, %d acknowledged", len(found), len(acked))
	}

	// While serve holds the folder, the CLI is refused with a clear message.
	out, err := exec.Command(bin, "copy", "get", "--data", data, "en-crash-r0-w0-0000").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "in use") {
		t.Errorf("copy get while serving: %v\n%s", err, out)
	}
	// A graceful stop closes the library: the CLI works afterwards.
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, p.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no exit within 30s of SIGTERM")
	}
	out, err = exec.Command(bin, "copy", "get", "--data", data, "en-crash-r0-w0-0000").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "en-crash-r0-w0-0000") {
		t.Errorf("copy get after serve stopped: %v\n%s", err, out)
	}
}

func getJSON(t *testing.T, c *crashClient, path string, v any) {
	t.Helper()
	code, _, body, err := c.do("GET", path, "", "")
	if err != nil || code != 200 {
		t.Fatalf("GET %s: %d %v %s", path, code, err, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// TestServeCopyStartupErrors: a bad seed file or a data folder held by
// another process stops serve before it listens, with a message that names
// the file and line, or the holder.
func TestServeCopyStartupErrors(t *testing.T) {
	seed := t.TempDir()
	bad := "id: copy-en\nlang: en\nversion: \"1\"\nlicense: CC-BY-4.0\nsource: written for this test\nvariants:\n" +
		"  - id: en-bad\n    kind: poster\n    text: Try it\n    traits: [openness:high]\n    mindset: growth\n    industries: [general]\n    touchpoint: email\n"
	if err := os.WriteFile(filepath.Join(seed, "en.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	env, _, _ := serveEnv(map[string]string{"MINDPRINT_COPY_SEED": seed}, "")
	err := runServe(context.Background(), env, []string{"--data", t.TempDir(), "--addr", "127.0.0.1:0"})
	var se *copylib.SeedError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "en.yaml:") || !strings.Contains(err.Error(), "copy library") {
		t.Errorf("bad seed: %v", err)
	}

	data := t.TempDir()
	holder, err := copylib.Open(data, copylib.WithoutSeed())
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	env, _, _ = serveEnv(nil, "")
	err = runServe(context.Background(), env, []string{"--data", data, "--addr", "127.0.0.1:0"})
	if !errors.Is(err, copylib.ErrInUse) || !strings.Contains(err.Error(), "in use") {
		t.Errorf("folder in use: %v", err)
	}
}

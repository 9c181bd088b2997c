package api

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// One server serves all fuzz inputs of a process: building one per input
// would dominate the run.
var (
	fuzzOnce sync.Once
	fuzzSrv  *testServer
)

func fuzzTarget(t *testing.T) *testServer {
	fuzzOnce.Do(func() {
		testTimeout = 10 * time.Second
		fuzzSrv = newTestServer(t, func(c *Config) {
			// Small limits keep inputs small, so the fuzzer's minimisation
			// stays fast, while still reaching the 413 paths. Short timeouts
			// turn a slow analysis into the 503 a client would see, instead
			// of stalling the fuzzer.
			c.MaxBodyBytes = 4 << 10
			c.BatchMaxBodyBytes = 16 << 10
			c.BatchMaxLines = 100
			c.RequestTimeout = 2 * time.Second
			c.BatchTimeout = 4 * time.Second
		}, Deps{})
	})
	return fuzzSrv
}

// fuzzContentTypes are what the fuzzer picks from by index.
var fuzzContentTypes = []string{"application/json", "text/plain", NDJSONContentType, "application/json; charset=latin1", "", "multipart/form-data"}

// checkNo500 sends body and fails on a 5xx other than 503, on a non-problem
// error answer, and on any recovered panic.
func checkNo500(t *testing.T, s *testServer, path string, ctIndex uint8, body string) answer {
	ct := fuzzContentTypes[int(ctIndex)%len(fuzzContentTypes)]
	a := do(t, s.App(), req{method: "POST", path: path, contentType: ct, body: body})
	if a.status >= 500 && a.status != 503 {
		t.Fatalf("%s %q: status %d: %s", path, truncate(body, 200), a.status, a.body)
	}
	if a.status >= 400 {
		a.problem(t)
	}
	if n := s.panicCount(); n != 0 {
		t.Fatalf("%g panics recovered; logs:\n%s", n, s.logs.String())
	}
	return a
}

var fuzzSeeds = []string{
	`{"text":"` + reviewEN + `"}`,
	`{"id":"x","text":"` + reviewFI + `","lang":"fi","source":"quiz"}`,
	`{"text":"Zażółć gęślą jaźń","lang":"pl"}`,
	`{"text":"ķēķis ļoti ņem šo","lang":"lv"}`,
	`{"text":""}`,
	`{"text":null}`,
	`{"text":1e999}`,
	`{"text":"\ud800"}`,
	`{"text":"a\u0000b"}`,
	"{\"text\":\"\xff\xfe\"}",
	`{"text":"x","text":"y"}`,
	`{"lang":"İ","text":"İstanbul’da"}`,
	strings.Repeat("[", 3000),
	`{"text":` + strings.Repeat(`{"a":`, 600) + `1` + strings.Repeat("}", 600) + `}`,
	strings.Repeat("a", 5000),
	"\x00\x00\x00",
	"{\"text\":\"ok\"}\n\n{\n" + `{"id":5}` + "\n[]\n\"s\"\n",
	strings.Repeat(`{"text":"ok ok ok"}`+"\n", 101),
}

// FuzzAnalyze throws arbitrary bodies and content types at POST /v1/analyze
// through the real app and analyzer: no input may produce a 500 or a panic.
func FuzzAnalyze(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(uint8(i), s)
	}
	f.Fuzz(func(t *testing.T, ct uint8, body string) {
		checkNo500(t, fuzzTarget(t), "/v1/analyze", ct, body)
	})
}

// FuzzBatch does the same for POST /v1/analyze/batch; every line of a 200
// answer must be a JSON object.
//
// Run each for a while after changing request parsing:
//
//	go test ./api -run '^$' -fuzz '^FuzzAnalyze$' -fuzztime 60s
//	go test ./api -run '^$' -fuzz '^FuzzBatch$' -fuzztime 60s
func FuzzBatch(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(uint8(2+i%2), s) // mostly NDJSON
	}
	f.Fuzz(func(t *testing.T, ct uint8, body string) {
		a := checkNo500(t, fuzzTarget(t), "/v1/analyze/batch", ct, body)
		if a.status != 200 {
			return
		}
		for line := range strings.Lines(string(a.body)) {
			if !strings.HasPrefix(line, "{") || !strings.HasSuffix(line, "}\n") {
				t.Fatalf("answer line is not a JSON object: %q", truncate(line, 200))
			}
		}
	})
}

package api

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const (
	secretAnalyze = "an4lyze-secret-0123456789"
	secretCopy    = "c0py-reader-secret-98765"
	secretAdmin   = "adm1n-secret-abcdefghijkl"
)

func testKeys(t testing.TB) *Keyring {
	t.Helper()
	keys, err := ParseKeysEnv("crm:" + secretAnalyze + ":analyze,writer:" + secretCopy + ":copy:read+copy:write,ops:" + secretAdmin + ":admin")
	if err != nil {
		t.Fatal(err)
	}
	ring, err := NewKeyring(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return ring
}

func TestAuth(t *testing.T) {
	s := newTestServer(t, nil, Deps{Keys: testKeys(t)})
	analyze := req{method: "POST", path: "/v1/analyze", contentType: "text/plain", body: reviewEN}
	with := func(r req, h, v string) req {
		r.header = map[string]string{h: v}
		return r
	}
	tests := []struct {
		name   string
		r      req
		status int
		typ    string
	}{
		{"no key", analyze, 401, TypeUnauthorized},
		{"unknown key", with(analyze, "Authorization", "Bearer not-a-key-at-all-123"), 401, TypeUnauthorized},
		{"basic auth is not a key", with(analyze, "Authorization", "Basic "+secretAnalyze), 401, TypeUnauthorized},
		{"empty bearer", with(analyze, "Authorization", "Bearer "), 401, TypeUnauthorized},
		{"wrong scope", with(analyze, "Authorization", "Bearer "+secretCopy), 403, TypeForbidden},
		{"bearer key", with(analyze, "Authorization", "Bearer "+secretAnalyze), 200, ""},
		{"lowercase bearer", with(analyze, "Authorization", "bearer "+secretAnalyze), 200, ""},
		{"X-API-Key", with(analyze, "X-API-Key", secretAnalyze), 200, ""},
		{"admin has every scope", with(analyze, "X-API-Key", secretAdmin), 200, ""},
		{"languages need any key", req{method: "GET", path: "/v1/languages"}, 401, TypeUnauthorized},
		{"languages with a copy key", with(req{method: "GET", path: "/v1/languages"}, "X-API-Key", secretCopy), 200, ""},
		{"metrics need admin", with(req{method: "GET", path: "/metrics"}, "X-API-Key", secretAnalyze), 403, TypeForbidden},
		{"metrics with admin", with(req{method: "GET", path: "/metrics"}, "X-API-Key", secretAdmin), 200, ""},
		{"livez is public", req{method: "GET", path: "/livez"}, 200, ""},
		{"readyz is public", req{method: "GET", path: "/readyz"}, 200, ""},
		{"openapi is public", req{method: "GET", path: "/openapi.json"}, 200, ""},
		{"batch without key", req{method: "POST", path: "/v1/analyze/batch", contentType: NDJSONContentType, body: "{}"}, 401, TypeUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, s.App(), tt.r)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, a.body)
			}
			if tt.typ == "" {
				return
			}
			p := a.problem(t)
			if p.Type != tt.typ {
				t.Errorf("type %s", p.Type)
			}
			if tt.status == 401 && !strings.HasPrefix(a.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate %q", a.header.Get("WWW-Authenticate"))
			}
		})
	}
	logs := s.logs.String()
	for _, secret := range []string{secretAnalyze, secretCopy, secretAdmin} {
		if strings.Contains(logs, secret) {
			t.Fatalf("a secret reached the log")
		}
	}
	if !strings.Contains(logs, `"key":"crm"`) {
		t.Errorf("key names are not logged: %s", logs)
	}
}

func TestKeyringLookup(t *testing.T) {
	ring := testKeys(t)
	tests := []struct {
		secret string
		want   string
	}{
		{secretAnalyze, "crm"},
		{secretCopy, "writer"},
		{secretAdmin, "ops"},
		{secretAnalyze + " ", ""},
		{strings.ToUpper(secretAnalyze), ""},
		{"", ""},
	}
	for _, tt := range tests {
		k := ring.Lookup(tt.secret)
		got := ""
		if k != nil {
			got = k.Name
		}
		if got != tt.want {
			t.Errorf("Lookup(%q) = %q, want %q", tt.secret, got, tt.want)
		}
	}
	if (*Keyring)(nil).Lookup(secretAdmin) != nil || (*Keyring)(nil).Len() != 0 {
		t.Error("a nil keyring must hold no keys")
	}
	if _, err := NewKeyring(Key{Name: "a", Hash: sha256.Sum256([]byte("x"))}, Key{Name: "b", Hash: sha256.Sum256([]byte("x"))}); err == nil {
		t.Error("two keys with one secret accepted")
	}
}

func TestParseKeysEnv(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Key
		wantErr string
	}{
		{name: "empty", in: ""},
		{name: "one", in: "crm:" + secretAnalyze + ":analyze",
			want: []Key{{Name: "crm", Hash: sha256.Sum256([]byte(secretAnalyze)), Scopes: []Scope{ScopeAnalyze}}}},
		{name: "scopes with colons and spaces", in: " w:" + secretCopy + ":copy:read+copy:write , ",
			want: []Key{{Name: "w", Hash: sha256.Sum256([]byte(secretCopy)), Scopes: []Scope{ScopeCopyRead, ScopeCopyWrite}}}},
		{name: "short secret", in: "crm:short:analyze", wantErr: "MINDPRINT_API_KEYS entry 1 (crm): the secret is shorter than 16 characters"},
		{name: "unknown scope", in: "crm:" + secretAnalyze + ":analyse", wantErr: `MINDPRINT_API_KEYS entry 1 (crm): unknown scope "analyse" (want one of analyze, copy:read, copy:write, admin)`},
		{name: "no scopes", in: "crm:" + secretAnalyze + ":", wantErr: "MINDPRINT_API_KEYS entry 1 (crm): no scopes (want one or more of analyze, copy:read, copy:write, admin)"},
		{name: "missing part", in: "crm:" + secretAnalyze, wantErr: "MINDPRINT_API_KEYS entry 1: want name:secret:scope+scope"},
		{name: "bad name", in: "c r m:" + secretAnalyze + ":analyze", wantErr: `MINDPRINT_API_KEYS entry 1: name "c r m": use 1-64 letters, digits, '-', '_' or '.'`},
		{name: "second entry", in: "a:" + secretAnalyze + ":analyze,b:" + secretCopy + ":nope", wantErr: `MINDPRINT_API_KEYS entry 2 (b): unknown scope "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseKeysEnv(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), secretAnalyze) || strings.Contains(err.Error(), secretCopy) {
					t.Errorf("the error quotes a secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmpEmpty); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseKeysFile(t *testing.T) {
	h1 := HashKey(secretAnalyze)
	h2 := HashKey(secretCopy)
	tests := []struct {
		name    string
		file    string
		want    []string // key names
		wantErr string
	}{
		{name: "good", file: "keys:\n  - name: crm\n    sha256: " + h1 + "\n    scopes: [analyze]\n  - name: writer\n    sha256: " + strings.ToUpper(h2) + "\n    scopes: [copy:read, copy:write]\n",
			want: []string{"crm", "writer"}},
		{name: "empty", file: "", wantErr: "keys.yaml:1: the file is empty; want a 'keys:' list"},
		{name: "no keys", file: "keys: []\n", wantErr: "keys.yaml:1: no keys; want a 'keys:' list with at least one key"},
		{name: "unknown field", file: "keys:\n  - name: crm\n    sha256: " + h1 + "\n    scope: [analyze]\n", wantErr: `keys.yaml:4: unknown field "scope" (want keys, and per key name, sha256, scopes)`},
		{name: "bad hash", file: "keys:\n  - name: crm\n    sha256: abc\n    scopes: [analyze]\n", wantErr: `keys.yaml:2: key "crm": sha256 must be 64 hex digits`},
		{name: "bad scope", file: "keys:\n  - name: crm\n    sha256: " + h1 + "\n    scopes: [analyze, root]\n", wantErr: `keys.yaml:2: key "crm": unknown scope "root"`},
		{name: "duplicate name", file: "keys:\n  - name: crm\n    sha256: " + h1 + "\n    scopes: [analyze]\n  - name: crm\n    sha256: " + h2 + "\n    scopes: [analyze]\n",
			wantErr: `keys.yaml:5: key "crm" is defined twice (also at line 2)`},
		{name: "duplicate secret", file: "keys:\n  - name: a\n    sha256: " + h1 + "\n    scopes: [analyze]\n  - name: b\n    sha256: " + h1 + "\n    scopes: [admin]\n",
			wantErr: `keys.yaml:5: key "b" has the same secret as the key at line 2`},
		{name: "not YAML", file: "keys:\n  - name: a\n   bad: [\n", wantErr: "keys.yaml:1: did not find expected"},
		{name: "wrong shape", file: "keys: crm\n", wantErr: "keys.yaml:1: cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := ParseKeysFile("keys.yaml", []byte(tt.file))
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want prefix %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, k := range keys {
				names = append(names, k.Name)
			}
			if diff := cmp.Diff(tt.want, names); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "keys.yaml")
	if err := os.WriteFile(path, []byte("keys:\n  - {name: crm, sha256: "+h1+", scopes: [analyze]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	keys, err := LoadKeysFile(path)
	if err != nil || len(keys) != 1 || keys[0].Hash != sha256.Sum256([]byte(secretAnalyze)) {
		t.Fatalf("LoadKeysFile: %v %+v", err, keys)
	}
	if _, err := LoadKeysFile(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("a missing keys file loaded")
	}
}

// fakeClock is a settable time source for the rate limiter.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }

func TestRateLimiter(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	l := newRateLimiter(2, 3, clock.Now)
	steps := []struct {
		advance time.Duration
		key     string
		ok      bool
		wait    time.Duration
	}{
		{0, "a", true, 0},
		{0, "a", true, 0},
		{0, "a", true, 0},
		{0, "a", false, 500 * time.Millisecond},
		{0, "b", true, 0}, // buckets are per key
		{250 * time.Millisecond, "a", false, 250 * time.Millisecond},
		{250 * time.Millisecond, "a", true, 0},
		{10 * time.Second, "a", true, 0}, // refills to the burst, no more
		{0, "a", true, 0},
		{0, "a", true, 0},
		{0, "a", false, 500 * time.Millisecond},
	}
	for i, st := range steps {
		clock.now = clock.now.Add(st.advance)
		ok, wait := l.allow(st.key)
		if ok != st.ok || wait != st.wait {
			t.Errorf("step %d (%s): allow = %v, %s; want %v, %s", i, st.key, ok, wait, st.ok, st.wait)
		}
	}
	if newRateLimiter(0, 10, nil) != nil {
		t.Error("rate 0 must disable the limiter")
	}
}

func TestRateLimiterSweep(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	l := newRateLimiter(10, 1, clock.Now)
	for i := range 3 * minSweep {
		l.allow(strconv.Itoa(i))
		clock.now = clock.now.Add(time.Second)
	}
	if n := len(l.buckets); n > minSweep {
		t.Errorf("%d buckets kept; idle ones should be swept", n)
	}
}

func TestRateLimitHTTP(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.RatePerSecond, c.RateBurst = 0.5, 2 }, Deps{Keys: testKeys(t)})
	get := func(secret string) answer {
		return do(t, s.App(), req{method: "GET", path: "/v1/languages", header: map[string]string{"X-API-Key": secret}})
	}
	for i := range 2 {
		if a := get(secretAnalyze); a.status != 200 {
			t.Fatalf("request %d: %d", i, a.status)
		}
	}
	a := get(secretAnalyze)
	if a.status != 429 {
		t.Fatalf("third request: %d", a.status)
	}
	if p := a.problem(t); p.Type != TypeRateLimited {
		t.Errorf("type %s", p.Type)
	}
	if ra, err := strconv.Atoi(a.header.Get("Retry-After")); err != nil || ra < 1 || ra > 2 {
		t.Errorf("Retry-After %q", a.header.Get("Retry-After"))
	}
	if a := get(secretCopy); a.status != 200 {
		t.Errorf("another key is limited too: %d", a.status)
	}
	if a := do(t, s.App(), req{method: "GET", path: "/livez"}); a.status != 200 {
		t.Errorf("public routes are rate limited: %d", a.status)
	}
}

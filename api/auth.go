package api

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Scope is a permission an API key carries.
type Scope string

// The scopes. ScopeAdmin implies every other scope.
const (
	// ScopeAnalyze allows POST /v1/analyze and /v1/analyze/batch.
	ScopeAnalyze Scope = "analyze"
	// ScopeCopyRead allows searching and reading the copy library.
	ScopeCopyRead Scope = "copy:read"
	// ScopeCopyWrite allows adding, editing and importing copy.
	ScopeCopyWrite Scope = "copy:write"
	// ScopeAdmin allows everything, /metrics included.
	ScopeAdmin Scope = "admin"
)

// Scopes lists every scope, in the order the docs give them.
var Scopes = []Scope{ScopeAnalyze, ScopeCopyRead, ScopeCopyWrite, ScopeAdmin}

// ScopeAny marks a route that needs a valid key but no particular scope.
const ScopeAny Scope = ""

// MinKeyLength is the shortest key accepted in plain text (from the
// environment); shorter keys are too easy to guess.
const MinKeyLength = 16

// Key is one API key as the server keeps it: a name for logs and rate
// limits, the SHA-256 of the secret (never the secret itself) and its scopes.
type Key struct {
	Name   string
	Hash   [sha256.Size]byte
	Scopes []Scope
}

// Allows reports whether the key carries scope s (admin carries all; every
// key carries ScopeAny).
func (k *Key) Allows(s Scope) bool {
	return s == ScopeAny || slices.Contains(k.Scopes, s) || slices.Contains(k.Scopes, ScopeAdmin)
}

// HashKey returns the hex SHA-256 of a secret key, the form keys files hold.
func HashKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Keyring is the set of keys a server accepts. Its zero value (or an empty
// ring) holds no keys, which means the server runs open.
type Keyring struct {
	keys []Key
}

// NewKeyring builds a keyring, rejecting duplicate names and duplicate
// secrets.
func NewKeyring(keys ...Key) (*Keyring, error) {
	var errs []error
	for i := range keys {
		for j := range i {
			if keys[i].Name == keys[j].Name {
				errs = append(errs, fmt.Errorf("api key %q is defined twice", keys[i].Name))
			}
			if keys[i].Hash == keys[j].Hash {
				errs = append(errs, fmt.Errorf("api keys %q and %q have the same secret", keys[j].Name, keys[i].Name))
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &Keyring{keys: slices.Clone(keys)}, nil
}

// Len returns the number of keys; 0 means the server runs open.
func (r *Keyring) Len() int {
	if r == nil {
		return 0
	}
	return len(r.keys)
}

// Names returns the key names, for the start-up log.
func (r *Keyring) Names() []string {
	if r == nil {
		return nil
	}
	out := make([]string, len(r.keys))
	for i, k := range r.keys {
		out[i] = k.Name
	}
	return out
}

// Lookup returns the key whose secret is presented, or nil. It hashes the
// presented secret and compares it with every stored hash in constant time,
// so neither the comparison nor the position of the match leaks through
// timing.
func (r *Keyring) Lookup(presented string) *Key {
	if r == nil || presented == "" {
		return nil
	}
	sum := sha256.Sum256([]byte(presented))
	found := -1
	for i := range r.keys {
		if subtle.ConstantTimeCompare(sum[:], r.keys[i].Hash[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return nil
	}
	return &r.keys[found]
}

// parseScopes checks scope names; it returns the scopes and a message for
// each unknown one.
func parseScopes(names []string) ([]Scope, []string) {
	var out []Scope
	var bad []string
	for _, n := range names {
		s := Scope(strings.TrimSpace(n))
		if !slices.Contains(Scopes, s) {
			bad = append(bad, fmt.Sprintf("unknown scope %q (want one of %s)", n, scopeList()))
			continue
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(names) == 0 {
		bad = append(bad, "no scopes (want one or more of "+scopeList()+")")
	}
	return out, bad
}

func scopeList() string {
	s := make([]string, len(Scopes))
	for i, sc := range Scopes {
		s[i] = string(sc)
	}
	return strings.Join(s, ", ")
}

// validKeyName reports whether a key name is safe to log: 1-64 letters,
// digits, '-', '_' or '.'.
func validKeyName(n string) bool {
	if n == "" || len(n) > 64 {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// ParseKeysEnv parses MINDPRINT_API_KEYS: comma-separated
// name:secret:scope+scope entries, e.g.
//
//	crm:7f3c9a0e51b24d68a1c2:analyze,ops:0b8e44c1d9f2a7e3b6c5:admin
//
// Secrets are hashed at once and never kept. Each must be at least
// MinKeyLength characters and contain no ':' or ','.
func ParseKeysEnv(value string) ([]Key, error) {
	var keys []Key
	var errs []error
	for i, item := range strings.Split(value, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		parts := strings.SplitN(item, ":", 3)
		if len(parts) != 3 {
			errs = append(errs, fmt.Errorf("MINDPRINT_API_KEYS entry %d: want name:secret:scope+scope", i+1))
			continue
		}
		name, secret, scopeText := parts[0], parts[1], parts[2]
		if !validKeyName(name) {
			errs = append(errs, fmt.Errorf("MINDPRINT_API_KEYS entry %d: name %q: use 1-64 letters, digits, '-', '_' or '.'", i+1, name))
			continue
		}
		if len(secret) < MinKeyLength {
			errs = append(errs, fmt.Errorf("MINDPRINT_API_KEYS entry %d (%s): the secret is shorter than %d characters", i+1, name, MinKeyLength))
			continue
		}
		var names []string
		if scopeText != "" {
			names = strings.Split(scopeText, "+")
		}
		scopes, bad := parseScopes(names)
		for _, b := range bad {
			errs = append(errs, fmt.Errorf("MINDPRINT_API_KEYS entry %d (%s): %s", i+1, name, b))
		}
		if len(bad) > 0 {
			continue
		}
		keys = append(keys, Key{Name: name, Hash: sha256.Sum256([]byte(secret)), Scopes: scopes})
	}
	return keys, errors.Join(errs...)
}

// keysFileEntry is one key in a keys file.
type keysFileEntry struct {
	Name   string   `yaml:"name"`
	SHA256 string   `yaml:"sha256"`
	Scopes []string `yaml:"scopes"`
}

// LoadKeysFile reads a YAML keys file (see ParseKeysFile).
func LoadKeysFile(path string) ([]Key, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("keys file: %w", err)
	}
	return ParseKeysFile(path, data)
}

// ParseKeysFile parses a keys file named name. The format is YAML:
//
//	keys:
//	  - name: crm-sync                # 1-64 letters, digits, - _ .
//	    sha256: 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8
//	    scopes: [analyze]             # analyze, copy:read, copy:write, admin
//
// sha256 is the hex SHA-256 of the secret (`mindprint serve --hash-key`
// prints it), so the file holds no secret. Unknown keys are errors; every
// problem is reported as "name:line: message".
func ParseKeysFile(name string, data []byte) ([]Key, error) {
	var doc struct {
		Keys []keysFileEntry `yaml:"keys"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) || strings.TrimSpace(string(data)) == "" {
			return nil, fmt.Errorf("%s:1: the file is empty; want a 'keys:' list", name)
		}
		return nil, yamlError(name, err)
	}
	// A second pass over the node tree gives each entry its line.
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	lines := keyLines(&root)
	var keys []Key
	var errs []error
	seenName := map[string]int{}
	seenHash := map[[sha256.Size]byte]int{}
	for i, e := range doc.Keys {
		line := 1
		if i < len(lines) {
			line = lines[i]
		}
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...)))
		}
		if !validKeyName(e.Name) {
			bad("name %q: use 1-64 letters, digits, '-', '_' or '.'", e.Name)
			continue
		}
		if prev, ok := seenName[e.Name]; ok {
			bad("key %q is defined twice (also at line %d)", e.Name, prev)
			continue
		}
		seenName[e.Name] = line
		raw, err := hex.DecodeString(strings.ToLower(e.SHA256))
		if err != nil || len(raw) != sha256.Size {
			bad("key %q: sha256 must be 64 hex digits (the SHA-256 of the secret; see mindprint serve --hash-key)", e.Name)
			continue
		}
		var h [sha256.Size]byte
		copy(h[:], raw)
		if prev, ok := seenHash[h]; ok {
			bad("key %q has the same secret as the key at line %d", e.Name, prev)
			continue
		}
		seenHash[h] = line
		scopes, problems := parseScopes(e.Scopes)
		for _, p := range problems {
			bad("key %q: %s", e.Name, p)
		}
		if len(problems) > 0 {
			continue
		}
		keys = append(keys, Key{Name: e.Name, Hash: h, Scopes: scopes})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s:1: no keys; want a 'keys:' list with at least one key", name)
	}
	return keys, nil
}

// yamlLine matches the "line N: message" the YAML decoder writes.
var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlError rewrites the YAML decoder's errors as "name:line: message".
func yamlError(name string, err error) error {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	var errs []error
	for _, m := range msgs {
		m = strings.TrimSpace(m)
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			msg := sm[2]
			if f, _, ok := strings.Cut(msg, " not found in type "); ok && strings.HasPrefix(f, "field ") {
				msg = fmt.Sprintf("unknown field %q (want keys, and per key name, sha256, scopes)", strings.TrimPrefix(f, "field "))
			}
			errs = append(errs, fmt.Errorf("%s:%s: %s", name, sm[1], msg))
			continue
		}
		errs = append(errs, fmt.Errorf("%s: %s", name, strings.TrimPrefix(m, "yaml: ")))
	}
	return errors.Join(errs...)
}

// keyLines returns the line of each item of the top-level keys list.
func keyLines(root *yaml.Node) []int {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != "keys" || m.Content[i+1].Kind != yaml.SequenceNode {
			continue
		}
		var out []int
		for _, item := range m.Content[i+1].Content {
			out = append(out, item.Line)
		}
		return out
	}
	return nil
}

package copylib

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Files of the library inside the data folder.
const (
	storeFile = "copy.db"    // bbolt, the store of record
	indexDir  = "copy.bleve" // bleve, rebuilt from the store when needed
	pidFile   = "copy.pid"   // the holder's process id, for the "in use" message
)

// DefaultLockTimeout is how long Open waits for another process to release
// the data folder before failing with ErrInUse.
const DefaultLockTimeout = 300 * time.Millisecond

// Library is the copy library: variants in a bbolt store of record, a bleve
// index beside it for search, and an in-memory view for recommendation. It is
// safe for concurrent use. Writes are serialised; each is committed (fsync'd)
// to the store before it is acknowledged, then applied to the index.
type Library struct {
	dir   string
	db    *bolt.DB
	idx   bleve.Index
	an    analyzers
	now   func() time.Time
	seeds []SeedFile

	// mu serialises writes and index catch-up.
	mu         sync.Mutex
	indexedGen uint64 // store generation the index holds; under mu
	indexErr   error  // last index failure, retried on the next write; under mu
	lagging    atomic.Bool

	view   *memView
	closed atomic.Bool

	rebuilt bool
	seeded  []SeedImport
}

// memView holds every variant in memory, for Get, Export and Recommend. The
// *Variant values are never modified once published (an update publishes a
// new value), so a reader may keep one after releasing the lock.
type memView struct {
	mu     sync.RWMutex
	byID   map[string]*Variant
	byLang map[string]*langList
}

// langList is one language's variants in a slice (fast to scan) with each
// id's position (O(1) removal by swapping in the last element).
type langList struct {
	items []*Variant
	pos   map[string]int
}

func newMemView() *memView {
	return &memView{byID: map[string]*Variant{}, byLang: map[string]*langList{}}
}

func (m *memView) get(id string) *Variant {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.byID[id]
}

func (m *memView) len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.byID)
}

// lang returns the variants of one language, in no particular order.
func (m *memView) lang(lang string) []*Variant {
	m.mu.RLock()
	defer m.mu.RUnlock()
	ll := m.byLang[lang]
	if ll == nil {
		return nil
	}
	return append([]*Variant(nil), ll.items...)
}

// sorted returns every variant in id order.
func (m *memView) sorted() []*Variant {
	m.mu.RLock()
	out := make([]*Variant, 0, len(m.byID))
	for _, v := range m.byID {
		out = append(out, v)
	}
	m.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// apply publishes changed variants (nil: deleted).
func (m *memView) apply(changed map[string]*Variant) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, v := range changed {
		if prev := m.byID[id]; prev != nil {
			ll := m.byLang[prev.Lang]
			i := ll.pos[id]
			last := len(ll.items) - 1
			ll.items[i] = ll.items[last]
			ll.pos[ll.items[i].ID] = i
			ll.items[last] = nil
			ll.items = ll.items[:last]
			delete(ll.pos, id)
		}
		if v == nil {
			delete(m.byID, id)
			continue
		}
		m.byID[id] = v
		ll := m.byLang[v.Lang]
		if ll == nil {
			ll = &langList{pos: map[string]int{}}
			m.byLang[v.Lang] = ll
		}
		ll.pos[id] = len(ll.items)
		ll.items = append(ll.items, v)
	}
}

// Option configures Open.
type Option func(*openConfig) error

type openConfig struct {
	seeds       []SeedFile
	seedsSet    bool
	now         func() time.Time
	lockTimeout time.Duration
}

// WithSeed loads seed files from fsys (see seed/FORMAT.md) instead of the
// embedded seed library. A bad file makes Open fail with file:line.
func WithSeed(fsys fs.FS) Option {
	return func(c *openConfig) error {
		files, err := LoadSeed(fsys)
		if err != nil {
			return err
		}
		c.seeds, c.seedsSet = files, true
		return nil
	}
}

// WithSeedFiles imports already loaded seed files (nil: none).
func WithSeedFiles(files []SeedFile) Option {
	return func(c *openConfig) error { c.seeds, c.seedsSet = files, true; return nil }
}

// WithoutSeed opens the library without importing any seed copy.
func WithoutSeed() Option { return WithSeedFiles(nil) }

// WithClock sets the clock for Created/Updated (tests).
func WithClock(now func() time.Time) Option {
	return func(c *openConfig) error {
		if now == nil {
			return errors.New("copylib: WithClock: nil clock")
		}
		c.now = now
		return nil
	}
}

// WithLockTimeout sets how long Open waits for the data folder (> 0).
func WithLockTimeout(d time.Duration) Option {
	return func(c *openConfig) error {
		if d <= 0 {
			return fmt.Errorf("copylib: WithLockTimeout: %v is not positive", d)
		}
		c.lockTimeout = d
		return nil
	}
}

// Open opens (creating when needed) the library in the data folder dir. It
// takes an exclusive lock on the folder: a second process gets an
// *InUseError (errors.Is ErrInUse) after the lock timeout instead of hanging.
// On first start, and whenever a seed file's version changes, it imports the
// seed copy (new ids only; copywriters' edits and deletions are kept). It
// rebuilds the index from the store when the index is missing, unreadable,
// from another mapping version, or cannot be caught up from the write log.
func Open(dir string, opts ...Option) (*Library, error) {
	cfg := openConfig{now: time.Now, lockTimeout: DefaultLockTimeout}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if !cfg.seedsSet {
		files, err := DefaultSeed()
		if err != nil {
			return nil, err
		}
		cfg.seeds = files
	}
	an, err := newAnalyzers()
	if err != nil {
		return nil, err
	}
	if dir == "" {
		return nil, errors.New("copylib: empty data folder path")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("copylib: data folder: %w", err)
	}
	db, err := bolt.Open(filepath.Join(dir, storeFile), 0o600, &bolt.Options{Timeout: cfg.lockTimeout})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, &InUseError{Dir: dir, PID: readPID(dir)}
		}
		return nil, fmt.Errorf("copylib: open store %s: %w", filepath.Join(dir, storeFile), err)
	}
	l := &Library{dir: dir, db: db, an: an, now: cfg.now, seeds: cfg.seeds}
	if err := l.open(); err != nil {
		if l.idx != nil {
			_ = l.idx.Close()
		}
		_ = os.Remove(filepath.Join(dir, pidFile))
		_ = db.Close()
		return nil, err
	}
	return l, nil
}

func (l *Library) open() error {
	_ = os.WriteFile(filepath.Join(l.dir, pidFile), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644)
	if err := initStore(l.db); err != nil {
		return fmt.Errorf("copylib: %w", err)
	}
	imports, err := l.importSeeds()
	if err != nil {
		return err
	}
	l.seeded = imports
	path := filepath.Join(l.dir, indexDir)
	_ = os.RemoveAll(path + ".new") // a rebuild that did not finish
	idx, gen, ok := openIndex(path)
	if ok {
		var sgen uint64
		var complete bool
		_ = l.db.View(func(tx *bolt.Tx) error {
			sgen = storeGen(tx)
			_, complete = changesAfter(tx, gen)
			return nil
		})
		if gen > sgen || !complete {
			_ = idx.Close()
			ok = false
		}
	}
	if !ok {
		idx, gen, err = rebuildIndex(path, l.db)
		if err != nil {
			return err
		}
		l.rebuilt = true
	}
	l.idx, l.indexedGen = idx, gen
	if err := l.loadView(); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.catchUpLocked()
}

func readPID(dir string) int {
	raw, err := os.ReadFile(filepath.Join(dir, pidFile))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(raw)))
	return pid
}

// Close flushes and closes the index and the store and releases the folder.
func (l *Library) Close() error {
	if l.closed.Swap(true) {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	err := l.idx.Close()
	_ = os.Remove(filepath.Join(l.dir, pidFile))
	if cerr := l.db.Close(); err == nil {
		err = cerr
	}
	return err
}

// Dir returns the data folder.
func (l *Library) Dir() string { return l.dir }

// Rebuilt reports whether Open rebuilt the index from the store.
func (l *Library) Rebuilt() bool { return l.rebuilt }

// SeedImports reports what Open imported from seed files (empty when every
// seed version was already imported).
func (l *Library) SeedImports() []SeedImport { return l.seeded }

// Len returns the number of variants.
func (l *Library) Len() int { return l.view.len() }

func (l *Library) loadView() error {
	changed := map[string]*Variant{}
	err := l.db.View(func(tx *bolt.Tx) error {
		return forEachVariant(tx, func(x *Variant) error {
			changed[x.ID] = x
			return nil
		})
	})
	if err != nil {
		return err
	}
	l.view = newMemView()
	l.view.apply(changed)
	return nil
}

// catchUpLocked applies every logged write the index does not hold yet, in
// one batch, together with the new generation. It is the only path that
// writes to the index after Open, so a write interrupted between the store
// commit and the index update is applied on the next write or the next Open.
func (l *Library) catchUpLocked() error {
	var changes []change
	latest := map[string]*Variant{}
	err := l.db.View(func(tx *bolt.Tx) error {
		changes, _ = changesAfter(tx, l.indexedGen)
		for _, c := range changes {
			v, err := getVariant(tx, c.id)
			if err != nil {
				return err
			}
			latest[c.id] = v
		}
		return nil
	})
	if err != nil || len(changes) == 0 {
		l.lagging.Store(err != nil)
		l.indexErr = err
		return err
	}
	b := l.idx.NewBatch()
	for id, v := range latest {
		if v == nil {
			b.Delete(id)
		} else if err := b.Index(id, indexDoc(v)); err != nil {
			l.indexErr = err
			l.lagging.Store(true)
			return err
		}
	}
	last := changes[len(changes)-1].gen
	b.SetInternal(internalGen, []byte(strconv.FormatUint(last, 10)))
	if err := l.idx.Batch(b); err != nil {
		l.indexErr = fmt.Errorf("copy index: %w", err)
		l.lagging.Store(true)
		return l.indexErr
	}
	l.indexedGen, l.indexErr = last, nil
	l.lagging.Store(false)
	return nil
}

// write runs fn in one store transaction (committed and fsync'd when it
// returns), publishes the changed variants and brings the index up to date.
// The returned error is fn's or the store's; an index failure is kept and
// retried (see IndexError) but does not fail an acknowledged write.
func (l *Library) write(fn func(tx *bolt.Tx, changed map[string]*Variant) error) error {
	if l.closed.Load() {
		return ErrClosed
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed.Load() {
		return ErrClosed
	}
	changed := map[string]*Variant{}
	err := l.db.Update(func(tx *bolt.Tx) error {
		if err := fn(tx, changed); err != nil {
			return err
		}
		return trimChanges(tx, l.indexedGen)
	})
	if err != nil {
		return err
	}
	if len(changed) > 0 {
		l.view.apply(changed)
	}
	_ = l.catchUpLocked()
	return nil
}

// IndexError returns the last index failure that is not yet repaired, or nil.
// Such a failure never loses a write: the store has it and the index catches
// up on the next write or the next Open.
func (l *Library) IndexError() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.indexErr
}

// ensureIndexed retries a failed catch-up before a search.
func (l *Library) ensureIndexed() {
	if !l.lagging.Load() {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closed.Load() {
		_ = l.catchUpLocked()
	}
}

func (l *Library) stamp() time.Time { return l.now().UTC().Truncate(time.Millisecond) }

func newID(lang, kind string) string {
	var b [5]byte
	_, _ = rand.Read(b[:])
	return lang + "-" + strings.ReplaceAll(kind, "_", "-") + "-" + hex.EncodeToString(b[:])
}

// Get returns the variant with id, or ErrNotFound.
func (l *Library) Get(ctx context.Context, id string) (Variant, error) {
	if err := ctx.Err(); err != nil {
		return Variant{}, err
	}
	if l.closed.Load() {
		return Variant{}, ErrClosed
	}
	v := l.view.get(id)
	if v == nil {
		return Variant{}, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	return v.clone(), nil
}

func (v *Variant) clone() Variant {
	c := *v
	c.Traits = append([]string(nil), v.Traits...)
	c.Industries = append([]string(nil), v.Industries...)
	c.Tags = append([]string{}, v.Tags...)
	return c
}

// Create adds a new variant at version 1 and returns it as stored. An empty ID
// gets a generated one; a taken ID is ErrExists; a bad field is a
// *ValidationError. Created, Updated and Version in v are ignored.
func (l *Library) Create(ctx context.Context, v Variant) (Variant, error) {
	if err := ctx.Err(); err != nil {
		return Variant{}, err
	}
	v.Normalize()
	if err := v.Validate(); err != nil {
		return Variant{}, err
	}
	t := l.stamp()
	v.Created, v.Updated, v.Version = t, t, 1
	err := l.write(func(tx *bolt.Tx, changed map[string]*Variant) error {
		if v.ID == "" {
			for v.ID == "" || tx.Bucket(bucketVariants).Get([]byte(v.ID)) != nil {
				v.ID = newID(v.Lang, v.Kind)
			}
		} else if tx.Bucket(bucketVariants).Get([]byte(v.ID)) != nil {
			return fmt.Errorf("%w: %q", ErrExists, v.ID)
		}
		if _, err := putVariant(tx, &v); err != nil {
			return err
		}
		stored := v.clone()
		changed[v.ID] = &stored
		return nil
	})
	if err != nil {
		return Variant{}, err
	}
	return v, nil
}

// AnyVersion as the expected version of Update or Delete skips the check.
const AnyVersion = 0

// Update replaces the variant v.ID when its stored version is expected (or
// expected is AnyVersion), and returns it with Version+1 and a new Updated
// time. A stale expected version is a *ConflictError (errors.Is
// ErrVersionConflict) and changes nothing. An update that changes no field
// returns the stored variant unchanged.
func (l *Library) Update(ctx context.Context, v Variant, expected int) (Variant, error) {
	if err := ctx.Err(); err != nil {
		return Variant{}, err
	}
	v.Normalize()
	if v.ID == "" {
		return Variant{}, &ValidationError{Errors: []FieldError{{Field: "id", Message: "required to update a variant"}}}
	}
	if err := v.Validate(); err != nil {
		return Variant{}, err
	}
	if expected < 0 {
		return Variant{}, fmt.Errorf("copylib: expected version %d is negative", expected)
	}
	var out Variant
	err := l.write(func(tx *bolt.Tx, changed map[string]*Variant) error {
		cur, err := getVariant(tx, v.ID)
		if err != nil {
			return err
		}
		if cur == nil {
			return fmt.Errorf("%w: %q", ErrNotFound, v.ID)
		}
		if expected != AnyVersion && cur.Version != expected {
			return &ConflictError{ID: v.ID, Expected: expected, Current: cur.Version}
		}
		if cur.sameContent(&v) {
			out = *cur
			return nil
		}
		v.Created, v.Updated, v.Version = cur.Created, l.stamp(), cur.Version+1
		if _, err := putVariant(tx, &v); err != nil {
			return err
		}
		stored := v.clone()
		changed[v.ID] = &stored
		out = v
		return nil
	})
	if err != nil {
		return Variant{}, err
	}
	return out.clone(), nil
}

// Delete removes the variant id when its version is expected (or expected is
// AnyVersion). Errors: ErrNotFound, *ConflictError.
func (l *Library) Delete(ctx context.Context, id string, expected int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return l.write(func(tx *bolt.Tx, changed map[string]*Variant) error {
		cur, err := getVariant(tx, id)
		if err != nil {
			return err
		}
		if cur == nil {
			return fmt.Errorf("%w: %q", ErrNotFound, id)
		}
		if expected != AnyVersion && cur.Version != expected {
			return &ConflictError{ID: id, Expected: expected, Current: cur.Version}
		}
		if _, err := deleteVariant(tx, id); err != nil {
			return err
		}
		changed[id] = nil
		return nil
	})
}

package copylib

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"
)

func newVariant(id, text string) Variant {
	return Variant{ID: id, Lang: "en", Kind: "cta", Text: text, Traits: []string{"openness:high"}, Mindset: "growth", Industries: []string{"travel"}, Touchpoint: "push"}
}

func TestCRUD(t *testing.T) {
	l := openFixture(t, WithoutSeed())
	t0 := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

	created, err := l.Create(ctx, newVariant("en-x", "Wander somewhere new"))
	if err != nil {
		t.Fatal(err)
	}
	want := newVariant("en-x", "Wander somewhere new")
	want.Tags = []string{}
	want.Created, want.Updated, want.Version = t0.Add(time.Millisecond), t0.Add(time.Millisecond), 1
	if diff := cmp.Diff(want, created); diff != "" {
		t.Fatalf("Create (-want +got):\n%s", diff)
	}
	got, err := l.Get(ctx, "en-x")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Get (-want +got):\n%s", diff)
	}
	if _, err := l.Create(ctx, newVariant("en-x", "again")); !errors.Is(err, ErrExists) {
		t.Errorf("second Create: %v, want ErrExists", err)
	}

	// Two copywriters load version 1; the first save wins, the second gets a conflict.
	a, b := got, got
	a.Text = "Wander somewhere new this spring"
	b.Text = "Wander somewhere quieter"
	saved, err := l.Update(ctx, a, 1)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Version != 2 || saved.Created != want.Created || !saved.Updated.After(want.Updated) {
		t.Errorf("Update: version %d created %v updated %v", saved.Version, saved.Created, saved.Updated)
	}
	_, err = l.Update(ctx, b, 1)
	var ce *ConflictError
	if !errors.Is(err, ErrVersionConflict) || !errors.As(err, &ce) || ce.Current != 2 || ce.Expected != 1 {
		t.Fatalf("stale Update: %v, want a conflict at version 2", err)
	}
	if cur, _ := l.Get(ctx, "en-x"); cur.Text != a.Text {
		t.Errorf("the stale update overwrote the text: %q", cur.Text)
	}
	// An update without a change keeps the version.
	same, err := l.Update(ctx, saved, 2)
	if err != nil || same.Version != 2 {
		t.Errorf("no-op Update: version %d, %v", same.Version, err)
	}
	// AnyVersion skips the check.
	b.Text = "Forced"
	if forced, err := l.Update(ctx, b, AnyVersion); err != nil || forced.Version != 3 {
		t.Errorf("Update AnyVersion: %v, %v", forced.Version, err)
	}
	if _, err := l.Update(ctx, newVariant("en-nope", "x"), 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("Update of a missing id: %v", err)
	}
	bad := got
	bad.Kind = "poster"
	if _, err := l.Update(ctx, bad, 3); !isValidation(err, "kind") {
		t.Errorf("invalid Update: %v", err)
	}

	if err := l.Delete(ctx, "en-x", 2); !errors.Is(err, ErrVersionConflict) {
		t.Errorf("stale Delete: %v", err)
	}
	if err := l.Delete(ctx, "en-x", 3); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Get(ctx, "en-x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: %v", err)
	}
	if err := l.Delete(ctx, "en-x", AnyVersion); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete: %v", err)
	}
	if err := l.Verify(ctx); err != nil {
		t.Error(err)
	}
}

func isValidation(err error, fields ...string) bool {
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) != len(fields) {
		return false
	}
	for i, f := range fields {
		if ve.Errors[i].Field != f {
			return false
		}
	}
	return true
}

func TestCreateGeneratesID(t *testing.T) {
	l := openFixture(t, WithoutSeed())
	v := newVariant("", "Find your next trail")
	v.Kind = "subject_line"
	got, err := l.Create(ctx, v)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.ID, "en-subject-line-") || checkID(got.ID) != "" {
		t.Errorf("generated id %q", got.ID)
	}
	if _, err := l.Get(ctx, got.ID); err != nil {
		t.Error(err)
	}
}

func TestCreateValidation(t *testing.T) {
	l := openFixture(t, WithoutSeed())
	_, err := l.Create(ctx, Variant{Lang: "en", Kind: "cta", Text: " ", Traits: []string{"openness:up"}, Mindset: "growth", Industries: []string{"travel"}, Touchpoint: "push"})
	if !isValidation(err, "text", "traits[0]") {
		t.Errorf("err = %v", err)
	}
	if l.Len() != 0 {
		t.Errorf("a rejected variant was stored")
	}
}

func TestPersistsAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, WithSeedFiles(fixtureSeed(t)))
	if err != nil {
		t.Fatal(err)
	}
	if !l.Rebuilt() {
		t.Error("a new folder should build its index")
	}
	if _, err := l.Create(ctx, newVariant("en-persist", "Pack light, wander far")); err != nil {
		t.Fatal(err)
	}
	n := l.Len()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l, err = Open(dir, WithSeedFiles(fixtureSeed(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if l.Rebuilt() {
		t.Error("a clean reopen rebuilt the index")
	}
	if len(l.SeedImports()) != 0 {
		t.Errorf("the seed was imported twice: %+v", l.SeedImports())
	}
	if l.Len() != n {
		t.Errorf("Len = %d after reopen, want %d", l.Len(), n)
	}
	res, err := l.Search(ctx, Query{Q: "wandering", Lang: "en"})
	if err != nil || res.Total != 1 || res.Hits[0].ID != "en-persist" {
		t.Errorf("search after reopen: %+v, %v", res, err)
	}
	if err := l.Verify(ctx); err != nil {
		t.Error(err)
	}
}

func TestSecondOpenFailsFast(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, WithoutSeed())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	start := time.Now()
	_, err = Open(dir, WithoutSeed(), WithLockTimeout(100*time.Millisecond))
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("second Open took %v", took)
	}
	var iu *InUseError
	if !errors.Is(err, ErrInUse) || !errors.As(err, &iu) {
		t.Fatalf("second Open: %v, want ErrInUse", err)
	}
	want := "data folder " + dir + " is in use by another mindprint process (pid " + strconv.Itoa(os.Getpid()) + "); stop it or use another --data folder"
	if err.Error() != want {
		t.Errorf("message:\n got %s\nwant %s", err, want)
	}
}

// TestIndexRebuild covers the cases where Open must rebuild the index from
// the store: missing, corrupt, from an older mapping, or behind the store
// further than the write log reaches.
func TestIndexRebuild(t *testing.T) {
	for _, tc := range []struct {
		name    string
		damage  func(t *testing.T, dir string)
		rebuilt bool
	}{
		{"clean", func(t *testing.T, dir string) {}, false},
		{"missing", func(t *testing.T, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, indexDir)); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"corrupt", func(t *testing.T, dir string) {
			entries, _ := os.ReadDir(filepath.Join(dir, indexDir))
			for _, e := range entries {
				if err := os.WriteFile(filepath.Join(dir, indexDir, e.Name()), []byte("garbage"), 0o644); err != nil && !e.IsDir() {
					t.Fatal(err)
				}
			}
		}, true},
		{"not a directory", func(t *testing.T, dir string) {
			_ = os.RemoveAll(filepath.Join(dir, indexDir))
			if err := os.WriteFile(filepath.Join(dir, indexDir), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"older mapping", func(t *testing.T, dir string) {
			setIndexInternal(t, dir, internalMapping, "copy-mapping-0")
		}, true},
		{"index ahead of the store", func(t *testing.T, dir string) {
			setIndexInternal(t, dir, internalGen, "999999")
		}, true},
		{"log trimmed past the index", func(t *testing.T, dir string) {
			setIndexInternal(t, dir, internalGen, "1")
		}, true},
		{"half-finished rebuild left behind", func(t *testing.T, dir string) {
			if err := os.MkdirAll(filepath.Join(dir, indexDir+".new"), 0o755); err != nil {
				t.Fatal(err)
			}
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			l, err := Open(dir, WithSeedFiles(fixtureSeed(t)))
			if err != nil {
				t.Fatal(err)
			}
			for i := range 3 {
				if _, err := l.Create(ctx, newVariant("en-r"+strconv.Itoa(i), "Ride the coastal road")); err != nil {
					t.Fatal(err)
				}
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			tc.damage(t, dir)
			l, err = Open(dir, WithSeedFiles(fixtureSeed(t)))
			if err != nil {
				t.Fatalf("reopen: %v", err)
			}
			defer l.Close()
			if l.Rebuilt() != tc.rebuilt {
				t.Errorf("Rebuilt = %v, want %v", l.Rebuilt(), tc.rebuilt)
			}
			if err := l.Verify(ctx); err != nil {
				t.Error(err)
			}
			res, err := l.Search(ctx, Query{Q: "coastal"})
			if err != nil || res.Total != 3 {
				t.Errorf("search after reopen: %d hits, %v", res.Total, err)
			}
			if _, err := os.Stat(filepath.Join(dir, indexDir+".new")); err == nil {
				t.Error("the temporary rebuild folder is still there")
			}
		})
	}
}

// setIndexInternal rewrites one internal value of a closed index.
func setIndexInternal(t *testing.T, dir string, key []byte, val string) {
	t.Helper()
	idx, _, ok := openIndex(filepath.Join(dir, indexDir))
	if !ok {
		t.Fatal("cannot open the index to damage it")
	}
	if err := idx.SetInternal(key, []byte(val)); err != nil {
		t.Fatal(err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestCatchUpFromLog simulates a crash between the store commit and the
// index update: the store has writes the index has not seen. Open replays
// them from the write log without a rebuild.
func TestCatchUpFromLog(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, WithSeedFiles(fixtureSeed(t)))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(filepath.Join(dir, storeFile), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		v := newVariant("en-unindexed", "Sail past the lighthouse")
		v.Version = 1
		if _, err := putVariant(tx, &v); err != nil {
			return err
		}
		_, err := deleteVariant(tx, "en-t-party")
		return err
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	l, err = Open(dir, WithSeedFiles(fixtureSeed(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if l.Rebuilt() {
		t.Error("replaying the log should not need a rebuild")
	}
	if err := l.Verify(ctx); err != nil {
		t.Error(err)
	}
	res, _ := l.Search(ctx, Query{Q: "lighthouse"})
	if res.Total != 1 {
		t.Errorf("the replayed write is not searchable: %d hits", res.Total)
	}
	res, _ = l.Search(ctx, Query{Q: "party", Lang: "en"})
	if res.Total != 0 {
		t.Errorf("the replayed delete is still searchable: %d hits", res.Total)
	}
}

// TestSeedUpgrade: a new seed version adds new ids only; copywriters' edits
// and deletions survive.
func TestSeedUpgrade(t *testing.T) {
	v1 := seedFileOf(t, "2026.1", "en-s-1", "en-s-2", "en-s-3")
	dir := t.TempDir()
	l, err := Open(dir, WithSeedFiles([]SeedFile{v1}))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]SeedImport{{File: "en.yaml", Version: "2026.1", Added: 3}}, l.SeedImports()); diff != "" {
		t.Errorf("first import (-want +got):\n%s", diff)
	}
	edited, _ := l.Get(ctx, "en-s-1")
	edited.Text = "Edited by a copywriter"
	if _, err := l.Update(ctx, edited, 1); err != nil {
		t.Fatal(err)
	}
	if err := l.Delete(ctx, "en-s-2", AnyVersion); err != nil {
		t.Fatal(err)
	}
	_ = l.Close()

	// The same version again: nothing happens.
	l, err = Open(dir, WithSeedFiles([]SeedFile{v1}))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.SeedImports()) != 0 {
		t.Errorf("same version imported again: %+v", l.SeedImports())
	}
	_ = l.Close()

	v2 := seedFileOf(t, "2026.2", "en-s-1", "en-s-2", "en-s-3", "en-s-4")
	l, err = Open(dir, WithSeedFiles([]SeedFile{v2}))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if diff := cmp.Diff([]SeedImport{{File: "en.yaml", Version: "2026.2", Added: 1}}, l.SeedImports()); diff != "" {
		t.Errorf("upgrade (-want +got):\n%s", diff)
	}
	if v, _ := l.Get(ctx, "en-s-1"); v.Text != "Edited by a copywriter" || v.Version != 2 {
		t.Errorf("the edit was clobbered: %+v", v)
	}
	if _, err := l.Get(ctx, "en-s-2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a deleted seed variant came back: %v", err)
	}
	if _, err := l.Get(ctx, "en-s-4"); err != nil {
		t.Errorf("the new seed variant is missing: %v", err)
	}
	if err := l.Verify(ctx); err != nil {
		t.Error(err)
	}
}

func seedFileOf(t *testing.T, version string, ids ...string) SeedFile {
	t.Helper()
	body := "id: copy-en\nlang: en\nversion: \"" + version + "\"\nlicense: CC-BY-4.0\nsource: tests\nvariants:\n"
	for _, id := range ids {
		body += "  - {id: " + id + ", kind: cta, text: Seed text " + id + ", traits: [openness:high], mindset: growth, industries: [travel], touchpoint: push}\n"
	}
	f, problems := ParseSeedFile("en.yaml", []byte(body))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	return f
}

func TestBadSeedStopsOpen(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "en.yaml"), []byte("id: x\nvariants: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Open(t.TempDir(), WithSeed(os.DirFS(dir)))
	var se *SeedError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), `en.yaml:1: missing header key "lang"`) {
		t.Errorf("Open with a bad seed: %v", err)
	}
}

func TestClosed(t *testing.T) {
	l, err := Open(t.TempDir(), WithoutSeed())
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := l.Create(ctx, newVariant("en-a", "x")); !errors.Is(err, ErrClosed) {
		t.Errorf("Create after Close: %v", err)
	}
	if _, err := l.Search(ctx, Query{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Search after Close: %v", err)
	}
	if _, err := l.Get(ctx, "x"); !errors.Is(err, ErrClosed) {
		t.Errorf("Get after Close: %v", err)
	}
}

// TestConcurrentUse writes, reads, searches and recommends from several
// goroutines at once (run with -race), then checks index and store agree.
func TestConcurrentUse(t *testing.T) {
	l := openFixture(t)
	done := make(chan error, 8)
	for w := range 3 {
		go func() {
			for i := range 8 {
				v, err := l.Create(ctx, newVariant("en-c"+strconv.Itoa(w)+"-"+strconv.Itoa(i), "Concurrent voyage "+strconv.Itoa(i)))
				if err != nil {
					done <- err
					return
				}
				v.Text += " revised"
				if _, err := l.Update(ctx, v, v.Version); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 3 {
		go func() {
			for range 15 {
				if _, err := l.Search(ctx, Query{Q: "voyage", Lang: "en", Limit: 5}); err != nil {
					done <- err
					return
				}
				p := profile("en", "growth", 0.5, nil)
				if _, err := l.Recommend(ctx, RecommendRequest{Profile: p}); err != nil {
					done <- err
					return
				}
				if _, err := l.Get(ctx, "en-t-safe-1"); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 6 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	res, err := l.Search(ctx, Query{Q: "voyage revised", Lang: "en", Limit: 100})
	if err != nil || res.Total != 24 {
		t.Errorf("after the writers: %d hits, %v", res.Total, err)
	}
	if err := l.Verify(ctx); err != nil {
		t.Error(err)
	}
}

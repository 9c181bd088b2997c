package copylib

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"
)

var (
	fixtureOnce  sync.Once
	fixtureFiles []SeedFile
	fixtureErr   error
)

// fixtureSeed is the small fixed library in testdata/library, loaded once.
func fixtureSeed(t testing.TB) []SeedFile {
	t.Helper()
	fixtureOnce.Do(func() { fixtureFiles, fixtureErr = LoadSeed(os.DirFS("testdata/library")) })
	if fixtureErr != nil {
		t.Fatalf("fixture library: %v", fixtureErr)
	}
	return fixtureFiles
}

// fixedClock returns a clock that starts at a fixed time and ticks a
// millisecond per call, so Created/Updated are predictable.
func fixedClock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Millisecond)
		return t
	}
}

// openFixture opens a library in a fresh temp folder, seeded with the fixture.
func openFixture(t testing.TB, opts ...Option) *Library {
	t.Helper()
	opts = append([]Option{WithSeedFiles(fixtureSeed(t)), WithClock(fixedClock())}, opts...)
	l, err := Open(t.TempDir(), opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

var ctx = context.Background()

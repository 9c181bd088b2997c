package copylib

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The crash test runs the test binary itself as a child process that writes
// through the library and prints each write once it is acknowledged; the
// parent kills it with SIGKILL mid-stream, reopens the folder and checks that
// every acknowledged write is there and that the index agrees with the store.

const (
	envCrashDir   = "MINDPRINT_COPYLIB_CRASH_DIR"
	envCrashRound = "MINDPRINT_COPYLIB_CRASH_ROUND"
)

// TestCrashChild is the child's write loop; it does nothing in a normal run.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(envCrashDir)
	if dir == "" {
		t.Skip("child process of TestCrashRecovery only")
	}
	round, _ := strconv.Atoi(os.Getenv(envCrashRound))
	l, err := Open(dir, WithoutSeed())
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	fmt.Println("ready")
	var live []Variant
	deadline := time.Now().Add(30 * time.Second) // the parent kills us long before
	for i := 0; time.Now().Before(deadline); i++ {
		switch {
		case i%7 == 6 && len(live) > 1:
			v := live[0]
			live = live[1:]
			if err := l.Delete(ctx, v.ID, v.Version); err != nil {
				fmt.Println("error", err)
				os.Exit(3)
			}
			fmt.Println("delete", v.ID, 0)
		case i%3 == 2 && len(live) > 0:
			v := live[len(live)-1]
			v.Text = fmt.Sprintf("Revised offer %d for curious travellers", i)
			nv, err := l.Update(ctx, v, v.Version)
			if err != nil {
				fmt.Println("error", err)
				os.Exit(3)
			}
			live[len(live)-1] = nv
			fmt.Println("update", nv.ID, nv.Version)
		default:
			v := newVariant(fmt.Sprintf("en-w%d-%05d", round, i), fmt.Sprintf("Crashproof journey number%d awaits", i))
			nv, err := l.Create(ctx, v)
			if err != nil {
				fmt.Println("error", err)
				os.Exit(3)
			}
			live = append(live, nv)
			fmt.Println("create", nv.ID, nv.Version)
		}
	}
	os.Exit(0)
}

func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	acked := map[string]int{} // id → last acknowledged version; 0 = deleted
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), envCrashDir+"="+dir, envCrashRound+"="+strconv.Itoa(round))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		if !sc.Scan() || sc.Text() != "ready" {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("round %d: child did not start: %q", round, sc.Text())
		}
		// While the child holds the folder, a second opener fails at once.
		start := time.Now()
		_, err = Open(dir, WithoutSeed(), WithLockTimeout(50*time.Millisecond))
		var iu *InUseError
		if !errors.As(err, &iu) || iu.PID != cmd.Process.Pid {
			t.Errorf("round %d: Open while the child runs: %v (child pid %d)", round, err, cmd.Process.Pid)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("round %d: the second Open took %v", round, took)
		}
		want := 25 + 10*round
		n := 0
		for n < want && sc.Scan() {
			n += record(t, acked, sc.Text())
		}
		if err := cmd.Process.Kill(); err != nil { // SIGKILL on Unix
			t.Fatal(err)
		}
		for sc.Scan() { // lines already written before the kill are acknowledged too
			n += record(t, acked, sc.Text())
		}
		_ = cmd.Wait()
		if n < want {
			t.Fatalf("round %d: the child acknowledged only %d writes", round, n)
		}

		l, err := Open(dir, WithoutSeed())
		if err != nil {
			t.Fatalf("round %d: reopen after SIGKILL: %v", round, err)
		}
		for id, ver := range acked {
			v, err := l.Get(ctx, id)
			switch {
			case ver == 0 && !errors.Is(err, ErrNotFound):
				t.Errorf("round %d: %s was deleted (acknowledged) but is back: %v", round, id, err)
			case ver > 0 && err != nil:
				t.Errorf("round %d: acknowledged %s v%d is lost: %v", round, id, ver, err)
			case ver > 0 && v.Version < ver:
				t.Errorf("round %d: %s is at v%d, v%d was acknowledged", round, id, v.Version, ver)
			}
		}
		if err := l.Verify(ctx); err != nil {
			t.Errorf("round %d: %v", round, err)
		}
		res, err := l.Search(ctx, Query{Q: "crashproof", Limit: 1})
		if err != nil || res.Total != countVersion1Creates(l) {
			t.Errorf("round %d: search finds %d unrevised writes, the store has %d (%v)", round, res.Total, countVersion1Creates(l), err)
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		t.Logf("round %d: %d acknowledged writes survived SIGKILL; rebuilt=%v", round, n, l.Rebuilt())
	}
}

func record(t *testing.T, acked map[string]int, line string) int {
	t.Helper()
	f := strings.Fields(line)
	if len(f) != 3 {
		t.Fatalf("child: %s", line)
	}
	ver, err := strconv.Atoi(f[2])
	if err != nil {
		t.Fatalf("child: %s", line)
	}
	acked[f[1]] = ver
	return 1
}

// countVersion1Creates counts variants still carrying their created text.
func countVersion1Creates(l *Library) int {
	n := 0
	for _, v := range l.view.sorted() {
		if strings.HasPrefix(v.Text, "Crashproof") {
			n++
		}
	}
	return n
}

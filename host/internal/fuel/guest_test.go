// Tests against a real Go guest (testdata/spin), built with the go command
// at test time and cached by the hash of its source.

package fuel

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"sandkit.dev/sandkit/internal/gcloop"
)

// testCacheDir is where built guests and wazero's compilation cache live
// between test runs.
func testCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "sandkit-test")
}

var spinWasm struct {
	once sync.Once
	wasm []byte
	skip string
	err  error
}

// spinGuest returns testdata/spin built for wasip1, building it when the
// cache has no build of the current source with the current go command. It
// skips the test only when there is no go command.
func spinGuest(t testing.TB) []byte {
	t.Helper()
	spinWasm.once.Do(func() {
		goCmd, err := exec.LookPath("go")
		if err != nil {
			spinWasm.skip = "no go command to build testdata/spin: " + err.Error()
			return
		}
		spinWasm.wasm, spinWasm.err = buildSpin(goCmd)
	})
	if spinWasm.skip != "" {
		t.Skip(spinWasm.skip)
	}
	if spinWasm.err != nil {
		t.Fatal(spinWasm.err)
	}
	return spinWasm.wasm
}

func buildSpin(goCmd string) ([]byte, error) {
	src := filepath.Join("testdata", "spin")
	h := sha256.New()
	for _, f := range []string{"go.mod", "main.go"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			return nil, err
		}
		h.Write(b)
	}
	ver, err := exec.Command(goCmd, "env", "GOVERSION").Output()
	if err != nil {
		return nil, err
	}
	h.Write(ver)
	dir := testCacheDir()
	out := filepath.Join(dir, "spin-"+hex.EncodeToString(h.Sum(nil))[:16]+".wasm")
	if b, err := os.ReadFile(out); err == nil {
		return b, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(dir, "spin-*.wasm.tmp")
	if err != nil {
		return nil, err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	cmd := exec.Command(goCmd, "build", "-buildmode=c-shared", "-o", tmp.Name(), ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOWORK=off", "GOFLAGS=-buildvcs=false")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, errors.New("build testdata/spin: " + err.Error() + "\n" + string(msg))
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return nil, err
	}
	return os.ReadFile(out)
}

// goRuntime is a runtime for Go guests: WASI, the fuel host module, a
// memory limit, and wazero's compilation cache on disk (compiling a Go
// guest takes about a second).
type goRuntime struct {
	r    wazero.Runtime
	code wazero.CompiledModule
}

func newGoRuntime(t testing.TB, wasm []byte, cfg wazero.RuntimeConfig) *goRuntime {
	t.Helper()
	ctx := context.Background()
	cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(testCacheDir(), "wazero"))
	if err != nil {
		t.Fatal(err)
	}
	r := wazero.NewRuntimeWithConfig(ctx, cfg.WithCompilationCache(cache).WithMemoryLimitPages(4096))
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	if err := Register(ctx, r); err != nil {
		t.Fatal(err)
	}
	code, err := r.CompileModule(ctx, wasm)
	if err != nil {
		t.Fatal(err)
	}
	return &goRuntime{r: r, code: code}
}

// instance instantiates the guest and runs its _initialize.
func (g *goRuntime) instance(t testing.TB) api.Module {
	t.Helper()
	m, err := g.r.InstantiateModule(context.Background(), g.code,
		wazero.NewModuleConfig().WithName("").WithStartFunctions("_initialize"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var goGuests struct {
	once                sync.Once
	plain, instrumented *goRuntime
}

// spinRuntimes returns runtimes with the spin guest compiled plain and
// instrumented, shared by the tests of this package.
func spinRuntimes(t testing.TB) (plain, instrumented *goRuntime) {
	t.Helper()
	wasm := spinGuest(t)
	goGuests.once.Do(func() {
		inst, err := Instrument(wasm)
		if err != nil {
			t.Fatal(err)
		}
		goGuests.plain = newGoRuntime(t, wasm, wazero.NewRuntimeConfig())
		goGuests.instrumented = newGoRuntime(t, inst, wazero.NewRuntimeConfig())
	})
	if goGuests.instrumented == nil {
		t.Fatal("setting up the Go guest runtimes failed in an earlier test")
	}
	return goGuests.plain, goGuests.instrumented
}

// TestGoGuestSpinStops calls spin() (for {}) on an instrumented Go guest
// with a 50 ms deadline, on a runtime without WithCloseOnContextDone, while
// another goroutine runs garbage collections back to back. Without fuel the
// call would never return and the first collection would wedge the host.
//
// A collection can take longer than 50 ms under -race, so the spin is
// repeated (on a fresh instance each time) until one has completed during a
// spin, up to ten times.
func TestGoGuestSpinStops(t *testing.T) {
	_, inst := spinRuntimes(t)

	gc := gcloop.Start(0)
	defer gc.Stop()
	<-gc.First() // the first cycle is the slowest

	var during int64
	for i := 0; i < 10 && during == 0; i++ {
		m := inst.instance(t)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		before := gc.Cycles()
		start := time.Now()
		_, err := m.ExportedFunction("spin").Call(ctx)
		elapsed := time.Since(start)
		during += gc.Cycles() - before
		cancel()
		m.Close(context.Background())

		if !errors.Is(err, ErrDeadline) {
			t.Fatalf("spin: err = %v, want ErrDeadline", err)
		}
		if elapsed > time.Second {
			t.Errorf("spin stopped after %v, want about 50ms", elapsed)
		}
		t.Logf("spin %d stopped after %v; %d GC cycles so far", i, elapsed, during)
	}
	if during == 0 {
		t.Errorf("no GC cycle completed during ten 50 ms spins")
	}
}

// TestGoGuestSameResults compares exports of the plain and instrumented
// builds: fuel must not change what a guest computes.
func TestGoGuestSameResults(t *testing.T) {
	plain, inst := spinRuntimes(t)
	pm, im := plain.instance(t), inst.instance(t)
	defer pm.Close(context.Background())
	defer im.Close(context.Background())
	for _, tc := range []struct {
		fn   string
		arg  int32
		want uint64
	}{
		{"fib", 0, 0},
		{"fib", 1, 1},
		{"fib", 20, 6765},
		{"sum", 0, 0},
		{"sum", 1000, 499500},
		{"sum", 3000000, 4499998500000},
	} {
		got := call(t, pm, tc.fn, api.EncodeI32(tc.arg))
		if got != tc.want {
			t.Errorf("plain %s(%d) = %d, want %d", tc.fn, tc.arg, got, tc.want)
		}
		if got := call(t, im, tc.fn, api.EncodeI32(tc.arg)); got != tc.want {
			t.Errorf("instrumented %s(%d) = %d, want %d", tc.fn, tc.arg, got, tc.want)
		}
	}
}

// TestGoGuestRecursion calls recurse(), which never returns: the call must
// end in an error (the guest's own stack overflow, a trap, or the deadline)
// and leave the host running.
func TestGoGuestRecursion(t *testing.T) {
	_, inst := spinRuntimes(t)
	m := inst.instance(t)
	defer m.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := m.ExportedFunction("recurse").Call(ctx, 0)
	if err == nil {
		t.Fatal("recurse returned without an error")
	}
	msg, _, _ := strings.Cut(err.Error(), "\n")
	t.Logf("recurse stopped after %v: %s", time.Since(start), msg)
}

// TestGoGuestRoundTrip re-encodes the Go guest without instrumenting it:
// byte for byte the same module.
func TestGoGuestRoundTrip(t *testing.T) {
	wasm := spinGuest(t)
	got, err := rewrite(wasm, false)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(wasm) {
		t.Fatal("round trip changed the Go guest")
	}
	inst, err := Instrument(wasm)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d bytes -> %d bytes instrumented (+%.1f%%)", len(wasm), len(inst),
		100*float64(len(inst)-len(wasm))/float64(len(wasm)))
}

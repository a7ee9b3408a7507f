// The SSR leak tests: what one render stores in global state (globalThis,
// a built-in prototype, a module-level variable, a closure) is never seen
// by a later render, unless the app asked for instance reuse.

package pages

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// leakyBundle keeps the user of every render where a careless page might:
// in a global, on Object.prototype and Array.prototype, in a module-level
// variable and in a closure's cache. Each render reports what it finds of
// earlier users, then stores its own.
const leakyBundle = `
var seen = [];
var remember = (function () { var cache = {}; return function (u) { var was = Object.keys(cache); cache[u] = 1; return was; }; })();
globalThis.__sandkit_render = function (input) {
  var user = JSON.parse(input).user;
  var found = {
    global: globalThis.lastUser || "",
    objectProto: ({}).lastUser || "",
    arrayProto: [].users ? [].users.join(",") : "",
    module: seen.join(","),
    closure: remember(user).join(","),
  };
  globalThis.lastUser = user;
  Object.prototype.lastUser = user;
  Array.prototype.users = (Array.prototype.users || []).concat([user]);
  seen.push(user);
  return JSON.stringify(found);
};`

// TestRendersDoNotLeak: on one pooled instance, each render finds nothing
// the renders before it stored, in any kind of global state.
func TestRendersDoNotLeak(t *testing.T) {
	r := load(t, leakyBundle, WithInstances(1))
	for i, user := range []string{"alice", "bob", "carol", "dave"} {
		got := render(t, r, fmt.Sprintf(`{"user":%q}`, user))
		if want := `{"global":"","objectProto":"","arrayProto":"","module":"","closure":""}`; got != want {
			t.Errorf("render %d (%s) found earlier users: %s", i, user, got)
		}
	}
	s := r.Stats()
	if s.Live != 1 || s.Resets != 4 || s.Restored != 1 {
		t.Errorf("stats %+v, want one instance (restored once at load) reset after each of 4 renders", s)
	}
}

// TestReuseLeaks: with WithInstanceReuse, the same renders do see each
// other: the opt-in does what it says, and TestRendersDoNotLeak would see
// a leak if renders were not reset.
func TestReuseLeaks(t *testing.T) {
	r := load(t, leakyBundle, WithInstances(1), WithInstanceReuse(true))
	render(t, r, `{"user":"alice"}`)
	got := render(t, r, `{"user":"bob"}`)
	if want := `{"global":"alice","objectProto":"alice","arrayProto":"alice","module":"alice","closure":"alice"}`; got != want {
		t.Errorf("second render with reuse found %s, want %s", got, want)
	}
	if s := r.Stats(); s.Resets != 0 {
		t.Errorf("stats %+v: reuse must not reset", s)
	}
}

// TestResetRestoresMemory: after a render, the instance's whole linear
// memory is byte for byte the snapshot's again, and every mutable global
// (the stack pointer among them) holds the snapshot's value.
func TestResetRestoresMemory(t *testing.T) {
	r := load(t, leakyBundle, WithInstances(1))
	render(t, r, `{"user":"`+strings.Repeat("x", 100000)+`"}`)
	in := <-r.idle
	defer func() { r.idle <- in }()
	mem, _ := in.mem.Read(0, in.mem.Size())
	if !bytes.Equal(mem, r.snap.img.view) {
		for i := range mem {
			if mem[i] != r.snap.img.view[i] {
				t.Fatalf("memory differs from the snapshot from byte %#x", i)
			}
		}
	}
	for i, name := range r.e.info.mutableGlobals {
		if got := in.mod.ExportedGlobal(name).Get(); got != r.snap.globals[i] {
			t.Errorf("global %s = %d, snapshot %d", name, got, r.snap.globals[i])
		}
	}
	// Resetting the instance's memory only drops what renders wrote: the
	// instance still renders.
	st := &callState{}
	out, err := in.render(withState(context.Background(), st), st, []byte(`{"user":"bob"}`))
	if err != nil || !strings.Contains(string(out), `"global":""`) {
		t.Errorf("render after reset: %s, %v", out, err)
	}
	if err := r.e.reset(in, r.snap); err != nil {
		t.Fatal(err)
	}
}

// TestBothResetsRestoreMemory: the two ways to reset mapped memory, each
// alone, after a render that wrote to the heap: the copy of the pages the
// kernel shows as written (the default), and dropping them (the fallback
// when /proc/self/pagemap cannot be read).
func TestBothResetsRestoreMemory(t *testing.T) {
	r := load(t, leakyBundle, WithInstances(1))
	ctx := context.Background()
	in := <-r.idle
	defer func() { r.idle <- in }()
	for _, c := range []struct {
		name   string
		revert func([]byte) error
	}{{"revertWritten", r.snap.img.revertWritten}, {"revert", r.snap.img.revert}} {
		st := &callState{}
		if _, err := in.render(withState(ctx, st), st, []byte(`{"user":"`+c.name+`"}`)); err != nil {
			t.Fatal(err)
		}
		mem, _ := in.mem.Read(0, in.mem.Size())
		if bytes.Equal(mem, r.snap.img.view) {
			t.Fatalf("%s: the render wrote nothing", c.name)
		}
		if err := c.revert(mem); err != nil {
			if runtime.GOOS == "linux" {
				t.Fatalf("%s: %v", c.name, err)
			}
			t.Skipf("%s: %v", c.name, err)
		}
		if !bytes.Equal(mem, r.snap.img.view) {
			t.Errorf("%s: memory differs from the snapshot", c.name)
		}
	}
}

// TestResetAfterGrowth: a render that grows memory past the snapshot
// cannot be undone in place (wasm memory does not shrink); its instance is
// replaced, and the next render is pristine all the same.
func TestResetAfterGrowth(t *testing.T) {
	const grower = `
globalThis.__sandkit_render = function (input) {
  var p = JSON.parse(input), was = globalThis.kept || "";
  if (p.big) globalThis.kept = "x".repeat(p.big);
  else globalThis.kept = p.user;
  return was.slice(0, 10);
};`
	r := load(t, grower, WithInstances(1))
	if got := render(t, r, `{"big": 40000000}`); got != "" {
		t.Errorf("first render found %q", got)
	}
	if s := r.Stats(); s.Retired != 1 || s.Resets != 0 || s.Live != 0 {
		t.Errorf("after growth: %+v, want the instance retired", s)
	}
	for _, user := range []string{"alice", "bob"} {
		if got := render(t, r, `{"user":"`+user+`"}`); got != "" {
			t.Errorf("render for %s found %q", user, got)
		}
	}
}

// TestNoSnapshotStillPristine: without a snapshot, each render gets a new
// instance that evaluates the bundle again.
func TestNoSnapshotStillPristine(t *testing.T) {
	r := load(t, leakyBundle, WithInstances(1), WithSnapshot(false))
	render(t, r, `{"user":"alice"}`)
	if got := render(t, r, `{"user":"bob"}`); strings.Contains(got, "alice") {
		t.Errorf("second render found %s", got)
	}
	if s := r.Stats(); s.Retired != 2 {
		t.Errorf("stats %+v, want each instance retired after its render", s)
	}
}

// TestRendersDoNotLeakUnderLoad: many renders at once on a pool of two
// instances, each for its own user; none finds another's.
func TestRendersDoNotLeakUnderLoad(t *testing.T) {
	r := load(t, leakyBundle, WithInstances(2))
	const workers, each = 8, 25
	errs := make(chan string, workers*each)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				out, err := r.Render(context.Background(), fmt.Appendf(nil, `{"user":"u%d-%d"}`, w, i))
				if err != nil {
					errs <- err.Error()
				} else if want := `{"global":"","objectProto":"","arrayProto":"","module":"","closure":""}`; string(out) != want {
					errs <- string(out)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if s := r.Stats(); s.Resets != workers*each || s.Live > 2 {
		t.Errorf("stats %+v", s)
	}
}

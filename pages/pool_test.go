package pages

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// counterBundle counts evaluations and renders in globals, and can leave a
// mark in its instance, to show what a snapshot carries and what it does not.
const counterBundle = `
var evals = (globalThis.evals || 0) + 1, renders = 0, mark = "";
globalThis.__sandkit_render = function (input) {
  var p = JSON.parse(input);
  renders++;
  if (p.mark) mark = p.mark;
  if (p.sleep) { var end = Date.now() + p.sleep; while (Date.now() < end) {} }
  return "evals=" + evals + " renders=" + renders + " mark=" + mark + " echo=" + p.echo;
};`

func load(t *testing.T, bundle string, opts ...LoadOption) *Renderer {
	t.Helper()
	ctx := context.Background()
	r, err := testEngine(t).Load(ctx, t.Name()+".js", []byte(bundle), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(ctx) })
	return r
}

func render(t *testing.T, r *Renderer, input string) string {
	t.Helper()
	out, err := r.Render(context.Background(), []byte(input))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestSnapshotCarriesWarmState: an instance restored from the snapshot is
// in the state the first one was in after the warm-up render, without
// evaluating the bundle again; instances do not see each other's writes.
func TestSnapshotCarriesWarmState(t *testing.T) {
	r := load(t, counterBundle, WithWarmup([]byte(`{"echo":"warm","mark":"warm"}`)), WithInstances(2))
	ctx := context.Background()
	first, _ := r.acquire(ctx) // the loaded one (replaced by a restore)
	second, err := r.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	renderOn := func(in *instance, input string) string {
		st := &callState{}
		out, err := in.render(withState(ctx, st), st, []byte(input))
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	if got, want := renderOn(first, `{"echo":1,"mark":"first"}`), "evals=1 renders=2 mark=first echo=1"; got != want {
		t.Errorf("first instance: %q, want %q", got, want)
	}
	if got, want := renderOn(second, `{"echo":2}`), "evals=1 renders=2 mark=warm echo=2"; got != want {
		t.Errorf("restored instance: %q, want %q", got, want)
	}
	r.idle <- first
	r.idle <- second
	if s := r.Stats(); s.Restored != 2 || s.Live != 2 {
		t.Errorf("stats %+v, want 2 restored (the loaded instance is replaced), 2 live", s)
	}
}

// TestWithoutSnapshot: new instances evaluate the bundle again.
func TestWithoutSnapshot(t *testing.T) {
	r := load(t, counterBundle, WithSnapshot(false), WithInstances(1))
	if got := render(t, r, `{"echo":1}`); got != "evals=1 renders=1 mark= echo=1" {
		t.Errorf("got %q", got)
	}
	if _, err := r.Render(context.Background(), []byte(`{"sleep":5000}`)); !errors.Is(err, ErrDeadline) {
		t.Fatalf("got %v, want ErrDeadline", err)
	}
	if got := render(t, r, `{"echo":2}`); got != "evals=1 renders=1 mark= echo=2" {
		t.Errorf("after replacement: %q", got)
	}
}

// TestPoolHammer: many goroutines share a pool of two instances; every
// render gets its own answer, and no more than two instances live.
func TestPoolHammer(t *testing.T) {
	r := load(t, counterBundle, WithInstances(2))
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				echo := fmt.Sprintf("%d-%d", g, i)
				input := fmt.Sprintf(`{"echo":%q}`, echo)
				if i == 5 && g%4 == 0 {
					input = `{"sleep":5000}` // overruns: its instance is replaced
				}
				out, err := r.Render(context.Background(), []byte(input))
				if i == 5 && g%4 == 0 {
					if !errors.Is(err, ErrDeadline) {
						errs <- fmt.Errorf("overrun: %v", err)
					}
					continue
				}
				if err != nil || !strings.HasSuffix(string(out), " echo="+echo) {
					errs <- fmt.Errorf("render %s: %q, %v", echo, out, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	s := r.Stats()
	if s.Live > 2 || s.Discarded != 2 || s.Renders != 80 {
		t.Errorf("stats %+v: want at most 2 live, 2 discarded, 80 renders", s)
	}
	t.Logf("stats %+v", s)
}

// TestRenderErrors: what a page can get wrong, and what it costs.
func TestRenderErrors(t *testing.T) {
	r := load(t, `globalThis.__sandkit_render = function (s) {
		if (s === "null") return null;
		if (s === "num") return 42;
		if (s === "nul") return "a\0b";
		throw new RangeError("bad page " + s);
	};`, WithInstances(1))
	ctx := context.Background()
	for _, tt := range []struct{ input, want string }{
		{"x", "RangeError: bad page x"},
		{"null", "__sandkit_render returned null, want a string"},
		{"num", "__sandkit_render returned number, want a string"},
	} {
		_, err := r.Render(ctx, []byte(tt.input))
		var js *JSError
		if !errors.As(err, &js) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), `app "TestRenderErrors.js"`) {
			t.Errorf("%s: got %v, want a JSError with %q", tt.input, err, tt.want)
		}
	}
	if got := render(t, r, "nul"); got != "a\uFFFDb" {
		t.Errorf("NUL in markup: %q", got)
	}
	if s := r.Stats(); s.Discarded != 0 || s.Live != 1 {
		t.Errorf("a JavaScript exception cost an instance: %+v", s)
	}
	// The caller's deadline counts too.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	r2 := load(t, counterBundle)
	start := time.Now()
	if _, err := r2.Render(short, []byte(`{"sleep":5000}`)); !errors.Is(err, ErrDeadline) || time.Since(start) > 2*time.Second { // 40x the deadline, well short of the 5 s sleep
		t.Errorf("caller deadline: %v after %v", err, time.Since(start))
	}
}

// TestLoadErrors: a bundle that does not parse, does not follow the
// protocol, throws or spins while loading is refused with a clear error.
func TestLoadErrors(t *testing.T) {
	ctx := context.Background()
	e := testEngine(t)
	for _, tt := range []struct{ name, bundle, want string }{
		{"syntax.js", "var x = ;", "SyntaxError"},
		{"syntax.js", "var x = ;", "syntax.js:1"},
		{"missing.js", "var y = 1;", "did not define globalThis.__sandkit_render (it is undefined)"},
		{"throws.js", "throw new Error('boom at load')", "boom at load"},
		{"nul.js", "var a = '\x00';", "NUL byte"},
	} {
		_, err := e.Load(ctx, tt.name, []byte(tt.bundle))
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), `app "`+tt.name+`"`) {
			t.Errorf("%s: got %v, want an error with %q", tt.name, err, tt.want)
		}
	}
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := e.Load(short, "spin.js", []byte("for(;;){}")); !errors.Is(err, ErrDeadline) {
		t.Errorf("spinning bundle: %v", err)
	}
	if _, err := e.Load(ctx, "x.js", []byte(counterBundle), WithWarmup([]byte("{"))); err == nil || !strings.Contains(err.Error(), "warm-up render") {
		t.Errorf("failing warm-up: %v", err)
	}
}

// TestClose: a closed Renderer refuses renders.
func TestClose(t *testing.T) {
	r := load(t, counterBundle)
	ctx := context.Background()
	if err := r.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Render(ctx, []byte(`{}`)); !errors.Is(err, ErrClosed) {
		t.Errorf("render after close: %v", err)
	}
}

// TestMemoryLimitOption: a smaller limit stops allocation sooner, and bad
// limits are refused.
func TestMemoryLimitOption(t *testing.T) {
	ctx := context.Background()
	if _, err := NewEngine(ctx, WithMemoryLimitPages(100)); err == nil {
		t.Error("100 pages accepted")
	}
	e, err := NewEngine(ctx, WithMemoryLimitPages(512))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close(ctx)
	r, err := e.Load(ctx, "mem.js", []byte(hostileBundle))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Render(ctx, route("alloc")); !errors.Is(err, ErrMemoryLimit) {
		t.Errorf("alloc under 512 pages: %v", err)
	}
	if out, err := r.Render(ctx, route("ok")); err != nil || string(out) != "<p>ok</p>" {
		t.Errorf("next render: %q %v", out, err)
	}
}

// TestPerAppMemoryLimit: WithMemoryPages bounds one app below the engine's
// limit; values outside [512, engine limit] are refused.
func TestPerAppMemoryLimit(t *testing.T) {
	ctx := context.Background()
	e := testEngine(t)
	for _, pages := range []uint32{100, DefaultMemoryLimitPages + 1} {
		if _, err := e.Load(ctx, "m.js", []byte(hostileBundle), WithMemoryPages(pages)); err == nil {
			t.Errorf("%d pages accepted", pages)
		}
	}
	r := load(t, hostileBundle, WithMemoryPages(512), WithInstances(1))
	start := time.Now()
	if _, err := r.Render(ctx, route("alloc")); !errors.Is(err, ErrMemoryLimit) {
		t.Errorf("alloc under 512 pages: %v", err)
	}
	t.Logf("stopped after %v", time.Since(start))
	in, err := r.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if in.mem.Size() > 512*65536 {
		t.Errorf("instance has %d bytes", in.mem.Size())
	}
	r.idle <- in
	if got := render(t, r, `{"route":"ok"}`); got != "<p>ok</p>" {
		t.Errorf("next render: %q", got)
	}
}

// TestBadInput: input that cannot be JSON text is refused before it reaches
// JavaScript, and costs no instance.
func TestBadInput(t *testing.T) {
	r := load(t, counterBundle, WithInstances(1))
	_, err := r.Render(context.Background(), []byte("{\"echo\":\x00}"))
	if !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), "offset 8") {
		t.Errorf("got %v", err)
	}
	if s := r.Stats(); s.Discarded != 0 {
		t.Errorf("stats %+v", s)
	}
}

// TestCloseDuringRenders: Close waits for renders in flight; later renders
// get ErrClosed; nothing else fails.
func TestCloseDuringRenders(t *testing.T) {
	r := load(t, counterBundle, WithInstances(2))
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	rendered := make(chan struct{}, 32) // a value after each render
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 8; i++ {
				_, err := r.Render(context.Background(), []byte(`{"sleep":5}`))
				if err != nil && !errors.Is(err, ErrClosed) {
					errs <- err
				}
				rendered <- struct{}{}
			}
		}()
	}
	// Close once renders are under way: after the first one returns, the
	// other goroutines are rendering or waiting for an instance.
	<-rendered
	if err := r.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if s := r.Stats(); s.Live != 0 {
		t.Errorf("after Close: %+v", s)
	}
}

// TestRendersPerInstance: with reuse and 1, every render runs on a new
// instance restored from the snapshot and sees nothing an earlier render
// left behind.
func TestRendersPerInstance(t *testing.T) {
	r := load(t, counterBundle, WithInstanceReuse(true), WithRendersPerInstance(1), WithWarmup([]byte(`{"mark":"warm"}`)), WithInstances(1))
	for i := 0; i < 4; i++ {
		got := render(t, r, fmt.Sprintf(`{"echo":%d,"mark":"m%d"}`, i, i))
		// Every render runs on a fresh restore of the state after the
		// warm-up render.
		if want := fmt.Sprintf("evals=1 renders=2 mark=m%d echo=%d", i, i); got != want {
			t.Errorf("render %d: %q, want %q", i, got, want)
		}
	}
	if s := r.Stats(); s.Retired != 4 || s.Restored != 4 || s.Live != 0 {
		t.Errorf("stats %+v", s)
	}
}

// TestTrim: idle instances are closed down to what is kept, and the next
// render restores one.
func TestTrim(t *testing.T) {
	r := load(t, counterBundle, WithInstances(2))
	ctx := context.Background()
	a, _ := r.acquire(ctx)
	b, _ := r.acquire(ctx)
	r.idle <- a
	r.idle <- b
	if n := r.Trim(ctx, 1); n != 1 || r.Stats().Live != 1 {
		t.Errorf("Trim(1) closed %d, %d live", n, r.Stats().Live)
	}
	if n := r.Trim(ctx, 0); n != 1 || r.Stats().Live != 0 {
		t.Errorf("Trim(0) closed %d, %d live", n, r.Stats().Live)
	}
	if got := render(t, r, `{"echo":1}`); got != "evals=1 renders=1 mark= echo=1" {
		t.Errorf("render after trim: %q", got)
	}
}

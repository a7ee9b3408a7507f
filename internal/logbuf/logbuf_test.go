package logbuf

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// sink records what reaches it, write by write.
type sink struct {
	mu     sync.Mutex
	writes []string
	gate   chan struct{} // if not nil, each write waits for a receive
	inside atomic.Int32  // writes started
}

func (s *sink) Write(p []byte) (int, error) {
	s.inside.Add(1)
	if s.gate != nil {
		<-s.gate
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes = append(s.writes, string(p))
	return len(p), nil
}

func (s *sink) all() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.writes, "")
}

func (s *sink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.writes)
}

// until polls cond for up to a minute (what it waits for is another
// goroutine's or the writer's timer; a slow machine only takes longer).
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %s after a minute", what)
		}
	}
}

func TestQuietLineGoesOutAtOnce(t *testing.T) {
	var s sink
	w := New(&s, time.Hour, 1<<10)
	w.Write([]byte("first\n"))
	if got := s.all(); got != "first\n" {
		t.Fatalf("after one line on a quiet log: %q", got)
	}
}

func TestLinesThatFollowAreBatched(t *testing.T) {
	var s sink
	w := New(&s, time.Hour, 1<<20)
	w.Write([]byte("first\n"))
	for i := range 100 {
		fmt.Fprintf(w, "line %d\n", i)
	}
	if n := s.count(); n != 1 {
		t.Fatalf("%d writes before the flush, want 1 (the first line): %q", n, s.writes)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if n := s.count(); n != 2 {
		t.Fatalf("%d writes after the flush, want 2", n)
	}
	if !strings.HasSuffix(s.all(), "line 98\nline 99\n") {
		t.Fatalf("flushed: %q", s.all())
	}
}

func TestDelayFlushes(t *testing.T) {
	var s sink
	w := New(&s, 20*time.Millisecond, 1<<20)
	w.Write([]byte("first\n"))
	w.Write([]byte("second\n"))
	until(t, "second line written by the timer", func() bool { return s.all() == "first\nsecond\n" })
}

func TestFullBufferFlushes(t *testing.T) {
	var s sink
	w := New(&s, time.Hour, 100)
	line := strings.Repeat("x", 29) + "\n"
	w.Write([]byte("first\n"))
	for range 10 {
		w.Write([]byte(line))
	}
	// 300 bytes in batches of at most 100 (4 lines reach it): two full
	// batches written, 2 lines waiting.
	if n := s.count(); n != 3 {
		t.Fatalf("%d writes, want 3: %q", n, s.writes)
	}
	for _, b := range s.writes[1:] {
		if len(b) != 120 {
			t.Errorf("batch of %d bytes, want 120", len(b))
		}
	}
	w.Close()
	if got := s.all(); got != "first\n"+strings.Repeat(line, 10) {
		t.Fatalf("after close: %q", got)
	}
}

func TestCloseFlushesAndWritesThrough(t *testing.T) {
	var s sink
	w := New(&s, time.Hour, 1<<20)
	w.Write([]byte("a\n"))
	w.Write([]byte("b\n"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("after close\n"))
	if got := s.all(); got != "a\nb\nafter close\n" {
		t.Fatalf("%q", got)
	}
}

// Many writers, a small buffer and a short delay: every line comes out
// whole, once, and each writer's lines in the order it wrote them.
func TestHammer(t *testing.T) {
	var s sink
	w := New(&s, time.Millisecond, 512)
	const writers, lines = 8, 2000
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range lines {
				fmt.Fprintf(w, "g%d line %d %s\n", g, i, strings.Repeat("y", i%50))
			}
		}()
	}
	wg.Wait()
	w.Close()
	next := make([]int, writers)
	got := strings.Split(strings.TrimSuffix(s.all(), "\n"), "\n")
	if len(got) != writers*lines {
		t.Fatalf("%d lines, want %d", len(got), writers*lines)
	}
	for _, l := range got {
		var g, i int
		var pad string
		if _, err := fmt.Sscanf(l, "g%d line %d %s", &g, &i, &pad); err != nil && i%50 != 0 {
			t.Fatalf("mangled line %q: %v", l, err)
		}
		if i != next[g] || len(pad) != i%50 {
			t.Fatalf("line %q: want line %d of g%d", l, next[g], g)
		}
		next[g]++
	}
}

// While the output is stuck, writers fill one buffer and then wait: the
// writer holds at most two buffers' worth, whatever is written.
func TestBoundedWhileOutputIsStuck(t *testing.T) {
	s := sink{gate: make(chan struct{})}
	const size = 1 << 10
	w := New(&s, time.Hour, size)
	line := []byte(strings.Repeat("z", 99) + "\n")
	go w.Write([]byte("first\n")) // goes out at once, and sticks
	until(t, "the first write stuck", func() bool { return s.inside.Load() == 1 })
	var accepted atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 1000 {
			w.Write(line)
			accepted.Add(1)
		}
	}()
	// The writer fills the buffer (11 lines reach 1 KiB) and waits for the
	// stuck write holding w.mu, which it keeps until the write ends: wait
	// for that state, in which nothing more can be accepted.
	until(t, "the writer waiting for the stuck write", func() bool {
		if accepted.Load() < 10 {
			return false
		}
		if w.mu.TryLock() {
			w.mu.Unlock()
			return false
		}
		return true
	})
	select {
	case <-done:
		t.Fatal("all 1000 lines accepted while the output is stuck")
	default:
	}
	if n := accepted.Load(); n > 11 {
		t.Fatalf("%d lines accepted while the output is stuck; want at most 11", n)
	}
	close(s.gate) // unstick every write from now on
	<-done
	w.Close()
	if got, want := s.all(), "first\n"+string(bytes.Repeat(line, 1000)); got != want {
		t.Fatalf("got %d bytes, want %d", len(got), len(want))
	}
	for _, b := range s.writes {
		if len(b) > size+len(line) {
			t.Errorf("a write of %d bytes, over a batch of %d", len(b), size)
		}
	}
}

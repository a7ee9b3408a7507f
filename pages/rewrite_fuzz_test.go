package pages

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"sandkit.dev/sandkit/pages/internal/qjswasm"
)

// FuzzRewriteModule: any bytes give an error or a module, never a panic.
func FuzzRewriteModule(f *testing.F) {
	f.Add(qjswasm.Wasm[:4096])
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x02\x07\x01\x01a\x01a\x02\x00\x01"))
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x02\x08\x01\x01a\x01a\x02\x01\x01\x02\x06\x06\x01\x7f\x01\x41\x00\x0b"))
	f.Fuzz(func(t *testing.T, wasm []byte) {
		_, _, _ = rewriteModule(wasm, "a", "a")
	})
}

// TestGuestOutputIsLogged: what QuickJS writes to fd 1 or 2 reaches the
// engine's logger a line at a time, bounded per call.
func TestGuestOutputIsLogged(t *testing.T) {
	var buf bytes.Buffer
	e := &Engine{log: slog.New(slog.NewTextHandler(&buf, nil))}
	st := &callState{}
	e.guestOutput(st, 2, []byte("first line\nsecond "))
	e.guestOutput(st, 2, []byte("line\n"))
	out := buf.String()
	if !strings.Contains(out, `line="first line"`) || !strings.Contains(out, `line="second line"`) || !strings.Contains(out, "fd=2") {
		t.Errorf("log:\n%s", out)
	}
	buf.Reset()
	e.guestOutput(st, 1, []byte(strings.Repeat(strings.Repeat("x", 1000)+"\n", 100)))
	if n := strings.Count(buf.String(), "\n"); n > 20 {
		t.Errorf("%d lines logged in one call, want the 16 KiB budget to stop it", n)
	}
}

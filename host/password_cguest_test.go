package host_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"sandkit.dev/sandkit/host/internal/cguest"
	"sandkit.dev/sandkit/internal/password"
)

// TestCGuestPassword runs a C guest of the password imports written from
// spec/abi.md §5 alone, over HTTP, as a well-behaved and as a hostile guest:
// hostile stored hashes are refused before any work, ranges outside its
// memory trap only its own request.
func TestCGuestPassword(t *testing.T) {
	if _, err := exec.LookPath("clang"); err != nil {
		t.Skip("needs clang for wasm32-wasi")
	}
	wasm := filepath.Join(t.TempDir(), "pass.wasm")
	srcs := []string{filepath.Join("..", "guest-sdk", "c", "sandkit.c"), filepath.Join("testdata", "passguest", "pass.c")}
	if err := cguest.Build(context.Background(), srcs, wasm, true); err != nil {
		t.Fatal(err)
	}
	_, srv := serveApp(t, appDir(t, map[string]string{"pw": wasm}, ""))
	get := func(q string) response { return do(t, "GET", srv.URL+"/pw?"+q, "") }
	verify := func(pw, stored string) string {
		t.Helper()
		r := do(t, "POST", srv.URL+"/pw?op=verify&pw="+pw, stored)
		if r.status != 200 {
			t.Fatalf("verify %q: %d %s", stored, r.status, r.body)
		}
		return strings.TrimSpace(strings.TrimPrefix(r.body, "verify: "))
	}

	// A hash made by the host, in the documented form, verifies there and natively.
	r := get("op=hash&pw=hunter2")
	hash, _, _ := strings.Cut(strings.TrimPrefix(r.body, "hash: "), "\n")
	if r.status != 200 || !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") ||
		!strings.Contains(r.body, "verify right: 1\nverify wrong: 0\n") {
		t.Fatalf("hash: %d\n%s", r.status, r.body)
	}
	if p, err := password.Parse(hash); err != nil || !p.Verify([]byte("hunter2")) {
		t.Errorf("the host's hash %q does not verify natively: %v", hash, err)
	}
	expect(t, get("op=params"), 200, "params: $argon2id$v=19$m=19456,t=2,p=1$\n")

	// Stored hashes of other kinds and parameters verify.
	bc, err := bcrypt.GenerateFromPassword([]byte("hunter2"), 4)
	if err != nil {
		t.Fatal(err)
	}
	native, err := password.New([]byte("hunter2"))
	if err != nil {
		t.Fatal(err)
	}
	for _, stored := range []string{string(bc), native} {
		if got := verify("hunter2", stored); got != "1" {
			t.Errorf("verify the right password against %q: %s", stored, got)
		}
		if got := verify("hunter3", stored); got != "0" {
			t.Errorf("verify a wrong password against %q: %s", stored, got)
		}
	}

	// Hostile stored hashes: parameters over the bounds are -2 (TOO_LARGE),
	// malformed ones -3 (BAD_INPUT); neither does the work it asks for.
	const tail = "$c2FsdHNhbHQ$c2FsdHNhbHRzYWx0c2FsdA"
	for stored, want := range map[string]string{
		"$argon2id$v=19$m=4194304,t=1,p=1" + tail:        "-2", // 4 GiB
		"$argon2id$v=19$m=65536,t=4294967295,p=1" + tail: "-2", // 2^32-1 passes
		"$argon2id$v=19$m=65536,t=1,p=255" + tail:        "-2",
		"$2b$31" + string(bc[6:]):                        "-2",
		"$argon2id$v=19$m=8192,t=0,p=1" + tail:           "-3",
		"$argon2id$v=19$m=8192,t=1,p=1$$":                "-3",
		"$2a$10$short":                                   "-3",
		"plain":                                          "-3",
		"":                                               "-3",
		strings.Repeat("$", 4000):                        "-3",
	} {
		if got := verify("x", stored); got != want {
			t.Errorf("verify against %.60q: %s, want %s", stored, got, want)
		}
	}
	expect(t, get("op=long"), 200, "hash 1024: 1\nhash 1025: -2\nverify 1025: -2\n")

	// Ranges outside the guest's memory, or negative lengths, trap: that
	// request fails, the next one is served.
	for _, op := range []string{"badptr", "neglen", "hugelen", "badpwptr"} {
		if r := get("op=" + op); r.status != 500 || strings.Contains(r.body, "not trapped") {
			t.Errorf("%s: %d %q, want a 500", op, r.status, r.body)
		}
		expect(t, get("op=params"), 200, "params: ")
	}
}

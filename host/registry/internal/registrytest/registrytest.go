// Package registrytest makes the artifacts and bundles the registries'
// tests deploy: examples/hello-c's C handler, a real module the host
// serves, written as sandkit build -o would write it.
package registrytest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"sandkit.dev/sandkit/artifact"
	"sandkit.dev/sandkit/host/registry"
)

// RepoRoot is the sandkit module's folder, from a test running in dir
// levels below it.
func RepoRoot(t testing.TB, levels int) string {
	t.Helper()
	p := "."
	for range levels {
		p = filepath.Join(p, "..")
	}
	root, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// WriteHelloC writes an artifact of examples/hello-c (in root) to out, with
// wasm as its one module (the example's own if nil) and extra files (which
// may replace sandkit.toml).
func WriteHelloC(t testing.TB, root, out string, wasm []byte, extra map[string][]byte) {
	t.Helper()
	if wasm == nil {
		var err error
		if wasm, err = os.ReadFile(filepath.Join(root, "examples", "hello-c", "routes", "c", "handler.wasm")); err != nil {
			t.Fatal(err)
		}
	}
	contents := map[string][]byte{
		"sandkit.toml":          []byte("name = \"hello-c\"\n"),
		"routes/c/handler.wasm": wasm,
	}
	for k, v := range extra {
		contents[k] = v
	}
	if _, err := artifact.Write(out, artifact.Spec{App: "hello-c", Routes: []string{"c/handler.wasm"}, Contents: contents}); err != nil {
		t.Fatal(err)
	}
}

// Pack is the bundle of the artifact in dir.
func Pack(t testing.TB, dir string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := registry.Pack(dir, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ExpectChange waits, a minute at most, for want among the names a
// registry's Changes delivers.
func ExpectChange(t testing.TB, ch <-chan string, want string) {
	t.Helper()
	timeout := time.After(time.Minute)
	for {
		select {
		case got, ok := <-ch:
			if !ok {
				t.Fatalf("Changes closed before delivering %q", want)
			}
			if got == want {
				return
			}
		case <-timeout:
			t.Fatalf("Changes did not deliver %q in a minute", want)
		}
	}
}

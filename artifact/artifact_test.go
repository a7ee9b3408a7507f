package artifact

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sandkit.dev/sandkit/routing"
)

// build writes a small artifact in a temporary folder and returns its path.
func build(t *testing.T) string {
	t.Helper()
	tmp := t.TempDir()
	wasm := filepath.Join(tmp, "handlers.wasm")
	if err := os.WriteFile(wasm, []byte("\x00asm module bytes"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(tmp, "out")
	_, err := Write(out, Spec{
		App:    "blog",
		Routes: []string{"api/handler.go", "api/x/handler.wasm", "page.tsx"},
		Files: map[string]string{
			".sandkit/build/handlers.wasm": wasm,
			"routes/api/x/handler.wasm":    wasm,
		},
		Contents: map[string][]byte{"public/robots.txt": []byte("User-agent: *\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// expectOpenError checks that Open fails on out with every one of want in
// its message.
func expectOpenError(t *testing.T, out string, want ...string) {
	t.Helper()
	_, err := Open(out)
	if err == nil {
		t.Fatalf("Open succeeded, want an error with %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
}

func TestOpenGood(t *testing.T) {
	out := build(t)
	m, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	if m.App != "blog" || m.Format != Format || len(m.Files) != 3 {
		t.Errorf("manifest %+v", m)
	}
	table, err := m.Table()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(RouteFiles(table), " "); got != "api/handler.go api/x/handler.wasm page.tsx" {
		t.Errorf("route files %q", got)
	}
}

func TestOpenMissingFile(t *testing.T) {
	out := build(t)
	os.Remove(filepath.Join(out, "public", "robots.txt"))
	expectOpenError(t, out, "public/robots.txt", "missing", "build it again")
}

func TestOpenCorruptFile(t *testing.T) {
	out := build(t)
	// Same size, other bytes.
	os.WriteFile(filepath.Join(out, ".sandkit", "build", "handlers.wasm"), []byte("\x00asm module bytez"), 0o644)
	expectOpenError(t, out, ".sandkit/build/handlers.wasm", "corrupt")
}

func TestOpenTruncatedFile(t *testing.T) {
	out := build(t)
	os.WriteFile(filepath.Join(out, "routes", "api", "x", "handler.wasm"), []byte("\x00asm"), 0o644)
	expectOpenError(t, out, "routes/api/x/handler.wasm", "4 bytes, the manifest says 17")
}

func TestOpenSymlinkRefused(t *testing.T) {
	out := build(t)
	p := filepath.Join(out, "public", "robots.txt")
	os.Remove(p)
	os.Symlink("/etc/hostname", p)
	expectOpenError(t, out, "public/robots.txt", "not a regular file")
}

// editManifest rewrites out's manifest through edit.
func editManifest(t *testing.T, out string, edit func(m map[string]any)) {
	t.Helper()
	p := filepath.Join(out, ManifestFile)
	b, _ := os.ReadFile(p)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, _ = json.Marshal(m)
	os.WriteFile(p, b, 0o644)
}

func TestOpenBadManifest(t *testing.T) {
	for name, c := range map[string]struct {
		edit func(m map[string]any)
		want string
	}{
		"format":   {func(m map[string]any) { m["format"] = 99 }, "format 99, this sandkit reads format 1"},
		"abi":      {func(m map[string]any) { m["abi"] = 0 }, "built for ABI 0"},
		"escape":   {func(m map[string]any) { m["files"].([]any)[0].(map[string]any)["path"] = "../x" }, `bad or repeated file path "../x"`},
		"absolute": {func(m map[string]any) { m["files"].([]any)[0].(map[string]any)["path"] = "/etc/passwd" }, "bad or repeated"},
		"routes": {func(m map[string]any) {
			m["routes"] = []any{routing.GroupFolder("a") + "/x/page.tsx", routing.GroupFolder("b") + "/x/page.tsx"}
		}, "map to the URL pattern /x"},
		"wasm": {func(m map[string]any) { m["routes"] = []any{"other/handler.wasm"} }, "its handler.wasm is not in the artifact"},
	} {
		t.Run(name, func(t *testing.T) {
			out := build(t)
			editManifest(t, out, c.edit)
			expectOpenError(t, out, c.want)
		})
	}
	out := build(t)
	os.WriteFile(filepath.Join(out, ManifestFile), []byte("{"), 0o644)
	expectOpenError(t, out, "damaged")
	expectOpenError(t, t.TempDir(), ManifestFile, "sandkit build")
}

func TestWriteReplacesKeepingData(t *testing.T) {
	out := build(t)
	os.MkdirAll(filepath.Join(out, DataDir), 0o755)
	os.WriteFile(filepath.Join(out, DataDir, "app.db"), []byte("rows"), 0o644)
	if _, err := Write(out, Spec{App: "blog", Contents: map[string][]byte{"sandkit.toml": []byte("name = \"blog\"\n")}}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(out, DataDir, "app.db")); string(b) != "rows" {
		t.Errorf("data/app.db after a rebuild: %q %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(out, "public")); err == nil {
		t.Error("a file of the replaced artifact is still there")
	}
	if _, err := Open(out); err != nil {
		t.Error(err)
	}
	ents, _ := os.ReadDir(filepath.Dir(out))
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".out") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestWriteRefusesOtherFolder(t *testing.T) {
	out := t.TempDir()
	os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o644)
	_, err := Write(out, Spec{App: "blog"})
	if err == nil || !strings.Contains(err.Error(), "is not empty") {
		t.Fatalf("err = %v", err)
	}
	if _, err := Write(filepath.Join(t.TempDir(), "o"), Spec{App: "x", Contents: map[string][]byte{"data/app.db": nil}}); err == nil {
		t.Error("a file under data/ was accepted")
	}
}

// BenchmarkOpen checks an artifact the size of the todo example's
// (a 7 MB module and 25 small files).
func BenchmarkOpen(b *testing.B) {
	tmp := b.TempDir()
	spec := Spec{App: "bench", Contents: map[string][]byte{".sandkit/build/handlers.wasm": make([]byte, 7<<20)}}
	for i := range 25 {
		spec.Contents["public/f"+string(rune('a'+i))] = make([]byte, 8<<10)
	}
	out := filepath.Join(tmp, "out")
	if _, err := Write(out, spec); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(7<<20 + 25*8<<10)
	for b.Loop() {
		if _, err := Open(out); err != nil {
			b.Fatal(err)
		}
	}
}

// Test fixtures: real artifacts (examples/hello-c's C handler, and
// examples/hello's Go handlers built once), bundles made from them, and
// hand-made tar entries for hostile ones.

package registry_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"sandkit.dev/sandkit/artifact"
	"sandkit.dev/sandkit/compiler"
	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/registry"
	"sandkit.dev/sandkit/host/registry/internal/registrytest"
	"sandkit.dev/sandkit/internal/exampleapp"
	"sandkit.dev/sandkit/routing"
)

// repoRoot is the sandkit module folder: the test runs in host/registry.
func repoRoot(t testing.TB) string { return registrytest.RepoRoot(t, 2) }

// writeArtifact writes an artifact of examples/hello-c to out, with wasm
// as its one module (the example's own if nil) and extra files.
func writeArtifact(t testing.TB, out string, wasm []byte, extra map[string][]byte) {
	t.Helper()
	registrytest.WriteHelloC(t, repoRoot(t), out, wasm, extra)
}

// helloC is a fresh artifact of examples/hello-c.
func helloC(t testing.TB) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "hello-c")
	writeArtifact(t, out, nil, nil)
	return out
}

// pack is the bundle of the artifact in dir.
func pack(t testing.TB, dir string) []byte { return registrytest.Pack(t, dir) }

// goHello is examples/hello built once, as an artifact.
var goHello struct {
	once sync.Once
	tmp  string
	dir  string
	err  error
}

func helloGo(t testing.TB) string {
	t.Helper()
	goHello.once.Do(func() {
		goHello.tmp, goHello.err = os.MkdirTemp("", "sandkit-registry-hello-")
		if goHello.err != nil {
			return
		}
		app := filepath.Join(goHello.tmp, "hello")
		if goHello.err = exampleapp.Copy(repoRoot(t), "hello", app); goHello.err != nil {
			return
		}
		res, err := compiler.BuildHandlers(context.Background(), app)
		if err != nil {
			goHello.err = err
			return
		}
		table, err := routing.Scan(os.DirFS(filepath.Join(app, "routes")))
		if err != nil {
			goHello.err = err
			return
		}
		out := filepath.Join(goHello.tmp, "artifact")
		_, goHello.err = artifact.Write(out, artifact.Spec{
			App:    "hello",
			Routes: artifact.RouteFiles(table),
			Files: map[string]string{
				host.AppModulePath:   res.WasmPath,
				host.AppManifestPath: res.ManifestPath,
				"public/favicon.ico": filepath.Join(app, "public", "favicon.ico"),
			},
			Contents: map[string][]byte{"sandkit.toml": []byte("name = \"hello\"\n")},
		})
		goHello.dir = out
	})
	if goHello.err != nil {
		t.Fatal(goHello.err)
	}
	return goHello.dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if goHello.tmp != "" {
		os.RemoveAll(goHello.tmp)
	}
	os.Exit(code)
}

// openDir opens a registry in a new folder, its warnings discarded.
func openDir(t testing.TB, opts ...registry.DirOption) *registry.Dir {
	t.Helper()
	d, err := registry.OpenDir(filepath.Join(t.TempDir(), "apps"), append([]registry.DirOption{registry.WithLogger(slog.New(slog.DiscardHandler))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// entry is one entry of a hand-made bundle.
type entry struct {
	name string
	typ  byte // tar.TypeReg if 0
	body []byte
	link string
}

// artifactEntries are the manifest and files of the artifact in dir, as
// bundle entries.
func artifactEntries(t testing.TB, dir string) []entry {
	t.Helper()
	m, err := artifact.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var es []entry
	for _, p := range append([]string{artifact.ManifestFile}, paths(m)...) {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, entry{name: p, body: b})
	}
	return es
}

func paths(m *artifact.Manifest) []string {
	var ps []string
	for _, f := range m.Files {
		ps = append(ps, f.Path)
	}
	return ps
}

// tarball is a tar of entries, gzip-compressed if gz.
func tarball(t testing.TB, gz bool, es ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.Writer = &buf
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(&buf)
		w = zw
	}
	tw := tar.NewWriter(w)
	for _, e := range es {
		hdr := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: 0o644, Linkname: e.link}
		if hdr.Typeflag == 0 {
			hdr.Typeflag = tar.TypeReg
		}
		if hdr.Typeflag == tar.TypeReg {
			hdr.Size = int64(len(e.body))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if hdr.Typeflag == tar.TypeReg {
			tw.Write(e.body)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if zw != nil {
		zw.Close()
	}
	return buf.Bytes()
}

// expectRefused checks that err is an *InvalidError saying want, and that
// the registry in d holds nothing of the refused upload: no staging
// folder and no folder for app.
func expectRefused(t *testing.T, d *registry.Dir, app string, err error, want string) {
	t.Helper()
	var inv *registry.InvalidError
	if !errors.As(err, &inv) {
		t.Fatalf("error %v (%T), want an *InvalidError saying %q", err, err, want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	ents, _ := os.ReadDir(filepath.Join(d.Path(), ".sandkit", "staging"))
	for _, e := range ents {
		t.Errorf("left in staging: %s", e.Name())
	}
	if _, err := os.Lstat(filepath.Join(d.Path(), app)); err == nil {
		t.Errorf("the refused upload made the folder of %q", app)
	}
}

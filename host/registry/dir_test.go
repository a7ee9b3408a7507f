// The bundle directory through real files: deploys served by the host,
// plain artifact folders, tokens and names.

package registry_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/registry"
)

// noEnv is a tenant's environment in these tests: empty.
func noEnv(string) (string, bool) { return "", false }

// serve opens the checkout dir of app as a tenant, and returns a GET of
// path on it over HTTP: the status and body.
func serve(t *testing.T, d *registry.Dir, app, dir, path string) (int, string) {
	t.Helper()
	ctx := context.Background()
	engine, err := host.NewEngine(host.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close(ctx)
	a, err := host.OpenApp(ctx, engine, dir, host.WithTenant(host.Tenant{Name: app, DataDir: d.DataDir(app), Lookup: noEnv}))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(ctx)
	srv := httptest.NewServer(a)
	defer srv.Close()
	res, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// expectApps checks what Apps lists.
func expectApps(t *testing.T, d *registry.Dir, want ...registry.App) {
	t.Helper()
	apps, err := d.Apps(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(apps, want) {
		t.Errorf("Apps = %v, want %v", apps, want)
	}
}

// expectVersions checks the names of app's versions, the active one
// marked with a star.
func expectVersions(t *testing.T, d *registry.Dir, app string, want ...string) {
	t.Helper()
	vs, err := d.Versions(context.Background(), app)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range vs {
		s := v.Name
		if v.Active {
			s += "*"
		}
		got = append(got, s)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Versions(%q) = %q, want %q", app, got, want)
	}
}

func TestDeployServeRollBackDelete(t *testing.T) {
	ctx := context.Background()
	d := openDir(t)
	goBundle := pack(t, helloGo(t))
	v1, err := d.Put(ctx, "shop", bytes.NewReader(goBundle), 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	if v1.Name != "v1" || v1.Size != int64(len(goBundle)) || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(v1.SHA256) || v1.Active {
		t.Errorf("Put = %+v", v1)
	}
	expectApps(t, d) // uploaded, not active
	expectVersions(t, d, "shop", "v1")
	if err := d.Activate(ctx, "shop", "v1"); err != nil {
		t.Fatal(err)
	}
	expectApps(t, d, registry.App{Name: "shop", Active: "v1"})
	expectVersions(t, d, "shop", "v1*")

	dir, err := d.Checkout(ctx, "shop", "v1")
	if err != nil {
		t.Fatal(err)
	}
	code, body := serve(t, d, "shop", dir, "/api/info")
	if code != 200 || !strings.Contains(body, `"app":"hello"`) {
		t.Errorf("GET /api/info: %d %s", code, body)
	}
	// Serving wrote nothing into the version: it is still exactly the
	// upload.
	if _, err := registry.Check(dir, nil); err != nil {
		t.Errorf("the served version changed: %v", err)
	}

	v2, err := d.Put(ctx, "shop", bytes.NewReader(pack(t, helloC(t))), 64<<20)
	if err != nil || v2.Name != "v2" {
		t.Fatalf("second Put: %+v, %v", v2, err)
	}
	if err := d.Activate(ctx, "shop", "v2"); err != nil {
		t.Fatal(err)
	}
	expectApps(t, d, registry.App{Name: "shop", Active: "v2"})
	dir, _ = d.Checkout(ctx, "shop", "v2")
	if code, body := serve(t, d, "shop", dir, "/c?name=Ada"); code != 200 || strings.TrimSpace(body) != "Hello, Ada! (route c)" {
		t.Errorf("GET /c: %d %q", code, body)
	}

	var inv *registry.InvalidError
	if err := d.DeleteVersion(ctx, "shop", "v2"); !errors.As(err, &inv) {
		t.Errorf("deleting the active version: %v", err)
	}
	if err := d.Activate(ctx, "shop", "v1"); err != nil { // roll back
		t.Fatal(err)
	}
	if err := d.DeleteVersion(ctx, "shop", "v2"); err != nil {
		t.Fatal(err)
	}
	expectVersions(t, d, "shop", "v1*")
	if err := d.Activate(ctx, "shop", "v2"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("activating a deleted version: %v", err)
	}
	// A name is never given twice.
	v3, err := d.Put(ctx, "shop", bytes.NewReader(pack(t, helloC(t))), 64<<20)
	if err != nil || v3.Name != "v3" {
		t.Errorf("Put after a delete: %+v, %v", v3, err)
	}

	os.MkdirAll(d.DataDir("shop"), 0o755)
	os.WriteFile(filepath.Join(d.DataDir("shop"), "app.db"), []byte("data"), 0o644)
	if err := d.Delete(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	expectApps(t, d)
	if _, err := d.Versions(ctx, "shop"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("Versions after Delete: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(d.Path(), "shop")); err == nil {
		t.Error("the app's folder is still there")
	}
	if ents, _ := os.ReadDir(filepath.Join(d.Path(), ".sandkit", "trash")); len(ents) != 0 {
		t.Errorf("left in the trash: %v", ents)
	}
	if err := d.Delete(ctx, "shop"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("deleting it again: %v", err)
	}
}

func TestPlainArtifactFolders(t *testing.T) {
	ctx := context.Background()
	d := openDir(t)
	writeArtifact(t, filepath.Join(d.Path(), "blog"), nil, nil)
	os.MkdirAll(filepath.Join(d.Path(), "Not_A_Name"), 0o755)
	os.MkdirAll(filepath.Join(d.Path(), ".hidden"), 0o755)
	os.MkdirAll(filepath.Join(d.Path(), "empty"), 0o755)
	os.WriteFile(filepath.Join(d.Path(), "notes.txt"), nil, 0o644)

	expectApps(t, d, registry.App{Name: "blog", Active: registry.ArtifactVersion})
	expectVersions(t, d, "blog", "artifact*")
	dir, err := d.Checkout(ctx, "blog", registry.ArtifactVersion)
	if err != nil || dir != filepath.Join(d.Path(), "blog") {
		t.Errorf("Checkout = %q, %v", dir, err)
	}
	if got := d.DataDir("blog"); got != filepath.Join(d.Path(), "blog", "data") {
		t.Errorf("DataDir = %q", got)
	}
	if code, body := serve(t, d, "blog", dir, "/c"); code != 200 || strings.TrimSpace(body) != "Hello, world! (route c)" {
		t.Errorf("GET /c: %d %q", code, body)
	}
	if _, err := d.Checkout(ctx, "blog", "v1"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("Checkout v1 of a plain artifact: %v", err)
	}

	// Read-only: every write is refused, saying why.
	_, err = d.Put(ctx, "blog", bytes.NewReader(pack(t, helloC(t))), 1<<20)
	expectPlain(t, err)
	expectPlain(t, d.Activate(ctx, "blog", registry.ArtifactVersion))
	expectPlain(t, d.DeleteVersion(ctx, "blog", registry.ArtifactVersion))
	_, err = d.AddToken(ctx, "blog")
	expectPlain(t, err)
	if _, err := os.Lstat(filepath.Join(d.Path(), "blog", "versions")); err == nil {
		t.Error("a refused write made versions/ in the artifact")
	}
}

func expectPlain(t *testing.T, err error) {
	t.Helper()
	var inv *registry.InvalidError
	if !errors.As(err, &inv) || !strings.Contains(err.Error(), "plain artifact folder") {
		t.Errorf("error %v, want a refusal for a plain artifact folder", err)
	}
}

func TestBadNamesAndVersions(t *testing.T) {
	ctx := context.Background()
	d := openDir(t)
	for _, name := range []string{"", "..", "../x", "Shop", "a/b", ".sandkit", "1shop", strings.Repeat("a", 64)} {
		var inv *registry.InvalidError
		if _, err := d.Put(ctx, name, bytes.NewReader(nil), 1<<20); !errors.As(err, &inv) {
			t.Errorf("Put(%q): %v", name, err)
		}
		if _, err := d.Checkout(ctx, name, "v1"); !errors.As(err, &inv) {
			t.Errorf("Checkout(%q): %v", name, err)
		}
		if _, err := d.AddToken(ctx, name); !errors.As(err, &inv) {
			t.Errorf("AddToken(%q): %v", name, err)
		}
		if err := d.Delete(ctx, name); !errors.As(err, &inv) {
			t.Errorf("Delete(%q): %v", name, err)
		}
	}
	if _, err := d.Put(ctx, "shop", bytes.NewReader(pack(t, helloC(t))), 1<<20); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"", "v0", "v01", "../v1", "artifact", "v1/..", "v2"} {
		if err := d.Activate(ctx, "shop", v); !errors.Is(err, registry.ErrNotFound) {
			t.Errorf("Activate(%q): %v", v, err)
		}
	}
	if _, err := d.Versions(ctx, "nope"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("Versions of an unknown app: %v", err)
	}
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	d := openDir(t)
	t1, err := d.AddToken(ctx, "shop") // before any upload
	if err != nil {
		t.Fatal(err)
	}
	t2, err := d.AddToken(ctx, "shop")
	if err != nil {
		t.Fatal(err)
	}
	hexRE := regexp.MustCompile(`^[0-9a-f]{64}$`)
	if !hexRE.MatchString(t1) || !hexRE.MatchString(t2) || t1 == t2 {
		t.Fatalf("tokens %q, %q", t1, t2)
	}
	other, _ := d.AddToken(ctx, "blog")
	for _, tc := range []struct {
		app, token string
		want       bool
	}{
		{"shop", t1, true},
		{"shop", t2, true},
		{"shop", other, false},
		{"blog", other, true},
		{"blog", t1, false},
		{"shop", "", false},
		{"shop", registry.HashToken(t1), false}, // the stored hash is not a token
		{"shop", t1[:63], false},
		{"nope", t1, false},
	} {
		ok, err := d.CheckToken(ctx, tc.app, tc.token)
		if err != nil || ok != tc.want {
			t.Errorf("CheckToken(%q, %.8s…) = %v, %v; want %v", tc.app, tc.token, ok, err, tc.want)
		}
	}
	path := filepath.Join(d.Path(), "shop", "tokens")
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("tokens file: %v, %v", fi.Mode(), err)
	}
	b, _ := os.ReadFile(path)
	if want := registry.HashToken(t1) + "\n" + registry.HashToken(t2) + "\n"; string(b) != want {
		t.Errorf("tokens file:\n%s\nwant the hashes, one a line:\n%s", b, want)
	}
	// A token is an app's folder with no version: not served.
	expectApps(t, d)
}

func TestPackIsDeterministicAndLeavesDataOut(t *testing.T) {
	dir := helloC(t)
	a := pack(t, dir)
	os.MkdirAll(filepath.Join(dir, "data"), 0o755)
	os.WriteFile(filepath.Join(dir, "data", "app.db"), []byte("secret rows"), 0o644)
	b := pack(t, dir)
	if !bytes.Equal(a, b) {
		t.Error("two packs of one artifact differ")
	}
	if bytes.Contains(b, []byte("secret rows")) {
		t.Error("the bundle holds data/")
	}
	os.WriteFile(filepath.Join(dir, "routes", "c", "handler.wasm"), []byte("changed"), 0o644)
	if err := registry.Pack(dir, io.Discard); err == nil || !strings.Contains(err.Error(), "routes/c/handler.wasm") {
		t.Errorf("packing a changed artifact: %v", err)
	}
}

// BenchmarkPut measures an upload of examples/hello built: unpack, checks
// (hashes, imports, settings) and the rename.
func BenchmarkPut(b *testing.B) {
	bundle := pack(b, helloGo(b))
	d := openDir(b)
	b.SetBytes(int64(len(bundle)))
	for b.Loop() {
		if _, err := d.Put(context.Background(), "shop", bytes.NewReader(bundle), 64<<20); err != nil {
			b.Fatal(err)
		}
	}
}

func TestConcurrentPutsGetDistinctVersions(t *testing.T) {
	ctx := context.Background()
	d := openDir(t)
	bundle := pack(t, helloC(t))
	const n = 8
	names := make(chan string, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			v, err := d.Put(ctx, "shop", bytes.NewReader(bundle), 1<<20)
			if err != nil {
				t.Error(err)
			}
			names <- v.Name
		})
	}
	wg.Wait()
	close(names)
	var got []string
	for s := range names {
		got = append(got, s)
	}
	slices.Sort(got)
	want := []string{"v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8"}
	if !slices.Equal(got, want) {
		t.Errorf("versions %q, want %q", got, want)
	}
	expectVersions(t, d, "shop", want...)
}

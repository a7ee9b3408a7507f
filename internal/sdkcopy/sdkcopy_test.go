package sdkcopy_test

import (
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"sandkit.dev/sandkit/internal/sdkcopy"
)

// closure computes the closure of this module once for all tests (it runs
// go list a dozen times).
var closure = sync.OnceValues(func() (*sdkcopy.Closure, error) { return sdkcopy.Compute("../..") })

// The checked-in sdk_gen.go is what the generator writes now: a package
// the guest SDK starts to import, a file added to one of its packages or a
// module it newly needs makes this fail until go generate is run.
func TestGeneratedUpToDate(t *testing.T) {
	c, err := closure()
	if err != nil {
		t.Fatal(err)
	}
	want, err := c.Source()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../" + sdkcopy.GeneratedFile)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("%s is stale; run %s. It should be:\n%s", sdkcopy.GeneratedFile, sdkcopy.Regenerate, want)
	}
}

// The copy stays small: the host's runtime (wazero, the engine, the
// PostgreSQL driver) never comes along, only the database code
// sandkittest serves handlers with; nothing of the host is linked into a
// handler's wasm; auth, form and sandkittest are all public packages.
func TestClosureIsSmall(t *testing.T) {
	c, err := closure()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"github.com/tetratelabs/wazero", "github.com/jackc/pgx/v5", "github.com/evanw/esbuild", "github.com/uptrace/bun/dialect/pgdialect"} {
		if c.ByModule[m] {
			t.Errorf("the guest SDK copy needs %s", m)
		}
	}
	var host []string
	for _, p := range c.Packages {
		if strings.HasPrefix(p, sdkcopy.Module+"/host/") {
			host = append(host, strings.TrimPrefix(p, sdkcopy.Module+"/"))
		}
	}
	// sandkittest -> host/dbtest -> the SQLite engine and the settings it reads.
	if want := []string{"host/appdb", "host/appdb/sqlite", "host/dbtest", "host/settings"}; !slices.Equal(host, want) {
		t.Errorf("the guest SDK copy carries the host packages %v, want %v (if a new one is needed, say why in spec/RATIONALE.md and update this list)", host, want)
	}
	// compiler/cache.go keys a build on these folders of the SDK copy:
	// everything a wasip1 build links must be in them.
	for _, p := range c.Wasm {
		rel := strings.TrimPrefix(p, sdkcopy.Module+"/")
		if !slices.ContainsFunc([]string{"guest-sdk/go", "abi", "internal/jsonstr"}, func(dir string) bool {
			return rel == dir || strings.HasPrefix(rel, dir+"/")
		}) {
			t.Errorf("a wasip1 build of the guest SDK links %s, which the compiler's cache key does not hash", p)
		}
	}
	for _, p := range []string{"guest-sdk/go", "guest-sdk/go/auth", "guest-sdk/go/db", "guest-sdk/go/form", "guest-sdk/go/sandkittest"} {
		if !slices.Contains(c.Public, sdkcopy.Module+"/"+p) {
			t.Errorf("%s is not among the public packages %v", p, c.Public)
		}
	}
	for _, f := range c.Files {
		if strings.HasSuffix(f, "_test.go") {
			t.Errorf("the copy carries the test file %s", f)
		}
	}
}

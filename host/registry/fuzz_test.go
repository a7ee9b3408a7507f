// Fuzzing what reads uploaded bytes: a bundle, and a module's import
// section.

package registry_test

import (
	"archive/tar"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"sandkit.dev/sandkit/host/registry"
)

// FuzzUnpack feeds Unpack any bytes: it must not panic, must refuse with an
// *InvalidError or accept, and must write nothing outside its folder.
func FuzzUnpack(f *testing.F) {
	good := artifactEntries(f, helloC(f))
	f.Add(pack(f, helloC(f)))
	f.Add(tarball(f, true, append(good, entry{name: "../x", body: []byte("x")})...))
	f.Add(tarball(f, true, append(good, entry{name: "public/l", typ: tar.TypeSymlink, link: "/etc/passwd"})...))
	f.Add(tarball(f, true, entry{name: "a/", typ: tar.TypeDir}, entry{name: "a", body: []byte("x")}))
	f.Add(tarball(f, false, good...))
	parent := f.TempDir()
	f.Fuzz(func(t *testing.T, bundle []byte) {
		dst := filepath.Join(parent, "a")
		if err := os.Mkdir(dst, 0o755); err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dst)
		_, err := registry.Unpack(bytes.NewReader(bundle), 1<<16, dst, nil)
		var inv *registry.InvalidError
		if err != nil && !errors.As(err, &inv) {
			t.Fatalf("a refusal that is not an *InvalidError: %v", err)
		}
		ents, _ := os.ReadDir(parent)
		if len(ents) != 1 {
			t.Fatalf("written beside the folder: %v", ents)
		}
	})
}

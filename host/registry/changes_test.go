// Changes of the bundle directory, seen through file system events.

package registry_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"sandkit.dev/sandkit/host/registry"
	"sandkit.dev/sandkit/host/registry/internal/registrytest"
)

func TestChangesFollowEvents(t *testing.T) {
	// No poll: the events alone must be enough.
	d := openDir(t, registry.WithPollInterval(0))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := d.Changes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bundle := pack(t, helloC(t))
	if _, err := d.Put(ctx, "shop", bytes.NewReader(bundle), 1<<20); err != nil {
		t.Fatal(err)
	}
	if err := d.Activate(ctx, "shop", "v1"); err != nil {
		t.Fatal(err)
	}
	registrytest.ExpectChange(t, ch, "shop")
	if _, err := d.Put(ctx, "shop", bytes.NewReader(bundle), 1<<20); err != nil {
		t.Fatal(err)
	}
	if err := d.Activate(ctx, "shop", "v2"); err != nil {
		t.Fatal(err)
	}
	registrytest.ExpectChange(t, ch, "shop")

	// A plain artifact folder renamed into the directory, then removed.
	tmp := filepath.Join(d.Path(), ".blog.new")
	writeArtifact(t, tmp, nil, nil)
	if err := os.Rename(tmp, filepath.Join(d.Path(), "blog")); err != nil {
		t.Fatal(err)
	}
	registrytest.ExpectChange(t, ch, "blog")
	// Built again in place, as sandkit build -o does.
	writeArtifact(t, filepath.Join(d.Path(), "blog"), nil, map[string][]byte{"public/new.txt": []byte("new")})
	registrytest.ExpectChange(t, ch, "blog")
	if err := os.RemoveAll(filepath.Join(d.Path(), "blog")); err != nil {
		t.Fatal(err)
	}
	registrytest.ExpectChange(t, ch, "blog")

	// A managed app's folder made by hand, its active file written last.
	mine := filepath.Join(d.Path(), "mine")
	writeArtifact(t, filepath.Join(mine, "versions", "v1"), nil, nil)
	os.WriteFile(filepath.Join(mine, "active"), []byte("v1\n"), 0o644)
	registrytest.ExpectChange(t, ch, "mine")

	if err := d.Delete(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	registrytest.ExpectChange(t, ch, "shop")

	cancel()
	for range ch { // closed once ctx is done
	}
}

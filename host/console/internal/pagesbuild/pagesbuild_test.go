package pagesbuild_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"sandkit.dev/sandkit/host/console/internal/pagesbuild"
)

// The checked-in build is what the console's app folder builds to: the
// same files, byte for byte (the manifest's cache key aside).
func TestPagesUpToDate(t *testing.T) {
	app := "../../app"
	if d := os.Getenv("CONSOLE_APP_DIR"); d != "" {
		app = d // where another copy of the app is, to check the build does not depend on the folder
	}
	out := filepath.Join(t.TempDir(), "build")
	if err := pagesbuild.Build(context.Background(), app, out); err != nil {
		t.Fatal(err)
	}
	want, err := pagesbuild.Hashes("../../build")
	if err != nil {
		t.Fatal(err)
	}
	got, err := pagesbuild.Hashes(out)
	if err != nil {
		t.Fatal(err)
	}
	if d := pagesbuild.Diff(want, got); len(d) > 0 {
		t.Fatalf("host/console/build is not what host/console/app builds to (files %v differ); rebuild it: %s", d, pagesbuild.Regenerate)
	}
}

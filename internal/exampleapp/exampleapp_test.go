package exampleapp_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sandkit.dev/sandkit/internal/exampleapp"
)

func TestCopy(t *testing.T) {
	root, _ := filepath.Abs("../..")
	dst := filepath.Join(t.TempDir(), "hello")
	if err := exampleapp.Copy(root, "hello", dst); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dst, "go.mod"))
	if err != nil || !strings.Contains(string(b), "replace sandkit.dev/sandkit => "+root+"\n") {
		t.Errorf("go.mod: %s %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(dst, "routes", "hello", "name.param", "handler.go")); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(dst, ".sandkit")); !os.IsNotExist(err) {
		t.Errorf(".sandkit copied: %v", err)
	}
}

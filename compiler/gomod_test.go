package compiler

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestParseGoMod(t *testing.T) {
	dir := filepath.FromSlash("/apps/blog")
	m, err := parseGoMod("go.mod", []byte(`// the blog
module "example.com/blog" // quoted, with a comment

go 1.26

require sandkit.dev/sandkit v0.0.0

replace (
	sandkit.dev/sandkit => ../../sandkit // local
	example.com/lib v1.0.0 => example.com/fork v1.2.0
	example.com/abs => /src/abs
)
replace example.com/one => ./one
`), dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.path != "example.com/blog" || !m.usesSDK() {
		t.Errorf("path %q, usesSDK %v", m.path, m.usesSDK())
	}
	want := map[string]string{
		"sandkit.dev/sandkit": filepath.Join(dir, "../../sandkit"),
		"example.com/abs":     "/src/abs",
		"example.com/one":     filepath.Join(dir, "one"),
	}
	if len(m.replaces) != len(want) {
		t.Errorf("replaces = %v, want %v", m.replaces, want)
	}
	for k, v := range want {
		if m.replaces[k] != v {
			t.Errorf("replace %s = %q, want %q", k, m.replaces[k], v)
		}
	}

	m, err = parseGoMod("go.mod", []byte("module example.com/x\n\nrequire example.com/other v1.0.0\n"), dir)
	if err != nil || m.usesSDK() {
		t.Errorf("a module without sandkit: usesSDK %v, %v", m != nil && m.usesSDK(), err)
	}
	if _, err := parseGoMod("go.mod", []byte("module example.com/x\nrequire (\n"), dir); err == nil || !strings.Contains(err.Error(), "go.mod:") {
		t.Errorf("a broken go.mod: err = %v, want one naming go.mod:line", err)
	}
}

package main

import (
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	sdksrc "sandkit.dev/sandkit"
)

// upgradeGoMod adds the SDK's requirements, raises a lower version, keeps a
// higher one and every requirement of the app's own, and raises the go
// line.
func TestUpgradeGoMod(t *testing.T) {
	info := &sdksrc.ModuleInfo{Go: "1.26.8", Requires: []sdksrc.Requirement{
		{Mod: module.Version{Path: "golang.org/x/crypto", Version: "v0.41.0"}, Direct: true},
		{Mod: module.Version{Path: "golang.org/x/sys", Version: "v0.49.0"}},
		{Mod: module.Version{Path: "modernc.org/sqlite", Version: "v1.62.0"}, Direct: true},
	}}
	src := "module demo\n\ngo 1.24\n\nrequire (\n\tgithub.com/gorilla/mux v1.8.1 // the router\n\tgolang.org/x/crypto v0.50.0\n\tsandkit.dev/sandkit v0.0.0\n)\n\nrequire golang.org/x/sys v0.1.0 // indirect\n\nreplace sandkit.dev/sandkit => ./.sandkit/sdk\n"
	f, err := modfile.Parse("go.mod", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := upgradeGoMod(f, info)
	if err != nil {
		t.Fatal(err)
	}
	got := requires(t, out)
	want := map[string]string{"github.com/gorilla/mux": "v1.8.1", "golang.org/x/crypto": "v0.50.0", "sandkit.dev/sandkit": "v0.0.0",
		"golang.org/x/sys": "v0.49.0", "modernc.org/sqlite": "v1.62.0"}
	if len(got) != len(want) {
		t.Errorf("requires %v, want %v", got, want)
	}
	for p, v := range want {
		if got[p] != v {
			t.Errorf("%s: %q, want %s\n%s", p, got[p], v, out)
		}
	}
	for _, s := range []string{"\ngo 1.26.8\n", "// the router", "modernc.org/sqlite v1.62.0 // indirect", "replace sandkit.dev/sandkit => ./.sandkit/sdk"} {
		if !strings.Contains(string(out), s) {
			t.Errorf("upgraded go.mod has no %q:\n%s", s, out)
		}
	}
	// Run again, nothing changes.
	f2, err := modfile.Parse("go.mod", out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := upgradeGoMod(f2, info); err != nil || string(again) != string(out) {
		t.Errorf("a second upgrade changed go.mod (%v):\n%s\nwas:\n%s", err, again, out)
	}
}

func TestMergeGoSum(t *testing.T) {
	have := "b.example/m v1.10.0 h1:b10=\nb.example/m v1.10.0/go.mod h1:b10mod=\na.example/m v1.0.0/go.mod h1:amod=\n"
	add := "b.example/m v1.9.0 h1:b9=\nb.example/m v1.9.0/go.mod h1:b9mod=\na.example/m v1.0.0/go.mod h1:amod=\n"
	got, err := mergeGoSum([]byte(have), []byte(add))
	if err != nil {
		t.Fatal(err)
	}
	want := "a.example/m v1.0.0/go.mod h1:amod=\nb.example/m v1.9.0 h1:b9=\nb.example/m v1.9.0/go.mod h1:b9mod=\nb.example/m v1.10.0 h1:b10=\nb.example/m v1.10.0/go.mod h1:b10mod=\n"
	if string(got) != want {
		t.Errorf("merged:\n%s\nwant:\n%s", got, want)
	}
	if _, err := mergeGoSum([]byte("a.example/m v1.0.0\n"), nil); err == nil {
		t.Error("a malformed go.sum was merged")
	}
}

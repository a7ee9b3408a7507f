// The guest SDK's source, carried in the binaries that write new apps.

// Package sandkit carries the source of the Go guest SDK so that a tool
// built from this module can write it beside an app: no module proxy
// serves sandkit.dev/sandkit, and an app must build on a machine that has
// never seen this repository. `sandkit new` writes these files to the
// app's .sandkit/sdk as the module sandkit.dev/sandkit and points the
// app's go.mod at it with a replace directive.
//
// The copy holds every public package of guest-sdk/go (the handler API,
// db, auth, form, sandkittest) and every package of this module they
// import, on every platform an app is built or tested on: abi,
// internal/jsonstr and, for sandkittest's real database, host/dbtest with
// host/appdb, host/appdb/sqlite and host/settings. The list is generated
// (go generate runs internal/sdkcopy/gen, which asks go list -deps) and a
// test fails when it is stale. Those packages import modules from the
// module proxy (golang.org/x/crypto for auth; modernc.org/sqlite, bun and
// go-toml for sandkittest): [GuestSDKModule] gives them at the versions of
// this module's go.mod, with their go.sum lines, so an app's go.mod can
// require them and build without go mod tidy. A handler links only what
// it imports: a route that does not import auth carries no x/crypto, and
// sandkittest, a test helper, never builds for wasm.
//
//	fs.WalkDir(sandkit.GuestSDK, ".", func(p string, d fs.DirEntry, err error) error {
//		fmt.Println(p) // abi/abi.go, guest-sdk/go/handle.go, guest-sdk/go/auth/session.go, ...
//		return err
//	})
package sandkit

//go:generate go run ./internal/sdkcopy/gen

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// GuestSDKFiles lists the source files of the guest SDK an app builds
// with, slash-separated and sorted, relative to the module root (GuestSDK
// without this module's go.mod and go.sum).
func GuestSDKFiles() []string {
	var out []string
	fs.WalkDir(GuestSDK, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && p != "go.mod" && p != "go.sum" {
			out = append(out, p)
		}
		return err
	})
	return out
}

// guestSDKModule is one entry of the generated list in sdk_gen.go.
type guestSDKModule struct {
	path   string
	direct bool
}

// A Requirement is a module the guest SDK needs, at the version this
// module requires it.
type Requirement struct {
	Mod module.Version
	// Direct is true when a package of the SDK imports one of the module's
	// packages itself; otherwise only another requirement does.
	Direct bool
}

// ModuleInfo is what an app's go.mod and go.sum need for the guest SDK.
type ModuleInfo struct {
	Go       string        // the go line of this module (the least Go release the SDK builds with)
	Requires []Requirement // sorted by module path
	Sum      []byte        // this module's go.sum lines for Requires (the code and the go.mod of each), sorted
}

// GuestSDKModule reads this module's go.mod and go.sum, as embedded in
// GuestSDK, for the modules the guest SDK's packages import.
func GuestSDKModule() (*ModuleInfo, error) {
	src, err := GuestSDK.ReadFile("go.mod")
	if err != nil {
		return nil, err
	}
	f, err := modfile.ParseLax("go.mod", src, nil)
	if err != nil {
		return nil, fmt.Errorf("the embedded go.mod of sandkit.dev/sandkit: %w", err)
	}
	if f.Go == nil {
		return nil, fmt.Errorf("the embedded go.mod of sandkit.dev/sandkit has no go line")
	}
	info := &ModuleInfo{Go: f.Go.Version}
	versions := map[string]string{}
	for _, r := range f.Require {
		versions[r.Mod.Path] = r.Mod.Version
	}
	want := map[string]bool{} // "path version" of each requirement
	for _, m := range guestSDKModules {
		v, ok := versions[m.path]
		if !ok {
			return nil, fmt.Errorf("the embedded go.mod of sandkit.dev/sandkit does not require %s, which the guest SDK imports (run go mod tidy, then go generate)", m.path)
		}
		info.Requires = append(info.Requires, Requirement{Mod: module.Version{Path: m.path, Version: v}, Direct: m.direct})
		want[m.path+" "+v] = true
	}
	sum, err := GuestSDK.ReadFile("go.sum")
	if err != nil {
		return nil, err
	}
	found := map[string]int{}
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(sum))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 3 {
			continue
		}
		key := fields[0] + " " + strings.TrimSuffix(fields[1], "/go.mod")
		if want[key] {
			found[key]++
			out.WriteString(strings.Join(fields, " ") + "\n")
		}
	}
	for key := range want {
		if found[key] != 2 {
			return nil, fmt.Errorf("the embedded go.sum of sandkit.dev/sandkit has %d lines for %s, want 2 (the code and its go.mod)", found[key], key)
		}
	}
	info.Sum = out.Bytes()
	return info, nil
}

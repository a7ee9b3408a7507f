// The guest SDK's source, carried in the binaries that write new apps.

// Package sandkit carries the source of the Go guest SDK (guest-sdk/go, its
// db and internal packages, and the abi and internal/jsonstr packages they
// import) so that a tool built from
// this module can write it beside an app: no module proxy serves
// sandkit.dev/sandkit, and an app must build on a machine that has never
// seen this repository. `sandkit new` writes these files to the app's
// .sandkit/sdk as the module sandkit.dev/sandkit and points the app's
// go.mod at it with a replace directive.
//
//	fs.WalkDir(sandkit.GuestSDK, ".", func(p string, d fs.DirEntry, err error) error {
//		fmt.Println(p) // abi/abi.go, guest-sdk/go/handle.go, guest-sdk/go/db/fast.go, ...
//		return err
//	})
//
// Test files are embedded too (embed patterns cannot leave them out);
// GuestSDKFiles lists the ones an app needs.
package sandkit

import (
	"embed"
	"io/fs"
	"strings"
)

// GuestSDK holds abi/*.go, internal/jsonstr/*.go, guest-sdk/go/*.go,
// guest-sdk/go/db/*.go and guest-sdk/go/internal/*/*.go as they are in
// this module, and its go.mod.
//
//go:embed go.mod abi/*.go internal/jsonstr/*.go guest-sdk/go/*.go guest-sdk/go/db/*.go guest-sdk/go/internal/*/*.go
var GuestSDK embed.FS

// GuestSDKFiles lists the Go source files of the guest SDK an app builds
// with (no _test.go), slash-separated and sorted, relative to the module
// root.
func GuestSDKFiles() []string {
	var out []string
	fs.WalkDir(GuestSDK, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			out = append(out, p)
		}
		return err
	})
	return out
}

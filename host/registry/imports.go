// The imports check of a bundle: every WebAssembly module of an uploaded
// artifact may import only the ABI's host functions (spec/abi.md §1, §5,
// §9.2) and WASI preview 1's, so a module that would fail to load, or asks
// for something the host does not give, is refused at upload.

package registry

import (
	"fmt"
	"maps"
	"slices"

	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/internal/wasmbin"
)

// importKinds names the kinds of an import entry.
var importKinds = [...]string{"function", "table", "memory", "global", "tag"}

// checkImports refuses a module that imports anything but a function of
// the ABI or of WASI preview 1. It reads only the import section, and
// checks every entry against what remains of it.
func checkImports(wasm []byte) error {
	allowed, err := host.Imports()
	if err != nil {
		return fmt.Errorf("listing the host's functions: %w", err)
	}
	secs, err := wasmbin.Sections(wasm)
	if err != nil {
		return err
	}
	for _, s := range secs {
		if s.ID != wasmbin.SecImport {
			continue
		}
		r := wasmbin.NewReader(s.Payload, s.Off)
		n, _, err := r.Count(4) // two names, a kind and a descriptor: 4 bytes at least
		if err != nil {
			return fmt.Errorf("import section: %w", err)
		}
		for range n {
			mod, err := r.Name()
			if err != nil {
				return fmt.Errorf("import section: %w", err)
			}
			name, err := r.Name()
			if err != nil {
				return fmt.Errorf("import section: %w", err)
			}
			kind, err := r.Byte()
			if err != nil {
				return fmt.Errorf("import section: %w", err)
			}
			if kind != 0 {
				k := "unknown kind"
				if int(kind) < len(importKinds) {
					k = importKinds[kind]
				}
				return fmt.Errorf("imports the %s %q.%q: a module may import only functions (spec/abi.md §1)", k, mod, name)
			}
			if _, _, err := r.U32(); err != nil { // the function's type index
				return fmt.Errorf("import section: %w", err)
			}
			funcs, ok := allowed[string(mod)]
			switch {
			case !ok:
				return fmt.Errorf("imports %q.%q: a module may import only from %q and %q (spec/abi.md §1)", mod, name, abi.ModuleName, wasi_snapshot_preview1.ModuleName)
			case funcs[string(name)]:
			case string(mod) == abi.ModuleName:
				return fmt.Errorf("imports %q.%q, which ABI version %d does not have; it has %v (spec/abi.md §5, §9.2)\nhint: build the app with this sandkit", mod, name, abi.Version, slices.Sorted(maps.Keys(funcs)))
			default:
				return fmt.Errorf("imports %q.%q, which is not a WASI preview 1 function", mod, name)
			}

		}
	}
	return nil
}

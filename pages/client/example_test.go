package client_test

import (
	"fmt"
	"io/fs"

	"sandkit.dev/sandkit/pages/client"
)

// The compiler resolves the import paths of page components through File
// and reads the sources from FS.
func Example() {
	for _, p := range []string{"sandkit/client", "sandkit/client/runtime", "sandkit/client/server", "react"} {
		name, ok := client.File(p)
		if !ok {
			fmt.Printf("%s: not the runtime's\n", p)
			continue
		}
		src, _ := fs.ReadFile(client.FS(), name)
		fmt.Printf("%s: %s (%t)\n", p, name, len(src) > 0)
	}
	// Output:
	// sandkit/client: index.ts (true)
	// sandkit/client/runtime: runtime.ts (true)
	// sandkit/client/server: server.ts (true)
	// react: not the runtime's
}

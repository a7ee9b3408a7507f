// Command gen rewrites sdk_gen.go, the list of what the guest SDK copy of
// `sandkit new` carries; go generate runs it in the module root.
package main

import (
	"fmt"
	"os"

	"sandkit.dev/sandkit/internal/sdkcopy"
)

func main() {
	src, err := sdkcopy.Generate(".")
	if err == nil {
		err = os.WriteFile(sdkcopy.GeneratedFile, src, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sdkcopy:", err)
		os.Exit(1)
	}
}

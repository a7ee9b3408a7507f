// Command gen rebuilds the console's checked-in pages: go generate in
// host/console runs it on app/ and writes build/.
package main

import (
	"context"
	"fmt"
	"os"

	"sandkit.dev/sandkit/host/console/internal/pagesbuild"
)

func main() {
	if err := pagesbuild.Build(context.Background(), "app", "build"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

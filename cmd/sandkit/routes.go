// routes: print an app's route table as the host serves it.

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"sandkit.dev/sandkit/routing"
)

var routesCmd = &command{
	name:    "routes",
	summary: "print an app's route table",
	usage:   routesUsage,
	run:     runRoutes,
}

const routesUsage = `Usage: sandkit routes [APPDIR]

Prints the routes of the app in APPDIR (default: the current folder), read
from its routes/ folder, in the order they are matched: the route's folder
(. for routes/ itself), its URL pattern, its parameters, what serves it
(page, go, wasm), its layouts and its 404 and error pages
(spec/routing.md). A routes/ tree with mistakes is reported, one line per
mistake, with the exit code 1.
`

func runRoutes(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	dir, err := appDirOnly("routes", routesUsage, args, stderr)
	if err != nil {
		return err
	}
	table, err := routing.Scan(os.DirFS(filepath.Join(dir, "routes")))
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, table.String())
	return nil
}

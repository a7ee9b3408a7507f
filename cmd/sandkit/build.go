// build: compile an app's sources into what serve runs, and stop.

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path"
	"strings"
	"time"

	"sandkit.dev/sandkit/compiler"
)

var buildCmd = &command{
	name:    "build",
	summary: "compile an app's Go handlers and bundle its pages without serving",
	usage:   buildUsage,
	run:     runBuild,
}

const buildUsage = `Usage: sandkit build [APPDIR] [flags]

Compiles the Go route handlers of the app in APPDIR (default: the current
folder) into one WebAssembly module, APPDIR/.sandkit/build/handlers.wasm,
with its manifest handlers.json, generates the TypeScript types of the
routes' data (.sandkit/types/routes, from each handler's type Data), and
bundles its React pages into
APPDIR/.sandkit/build/pages (after "npm ci --ignore-scripts" if node_modules
is missing: no install script runs, see spec/config.md), as
"sandkit serve" would before serving. An app with a tsconfig.json has its
pages type-checked with the TypeScript sandkit pins (spec/config.md, "Type
checks"); a type error fails the build. Errors are printed with the file and
line under routes/; the exit code is 1. An unchanged app is answered from
the build cache.

With -o DIR it then writes the app's artifact to DIR: the compiled
handlers, the pages' client assets and server bundle, the route table,
migrations, public files and settings, with a manifest of every file's
SHA-256 (spec/artifact.md). "sandkit serve DIR" serves it on a machine
with neither go nor node; DIR's data/ folder survives a rebuild.

Flags:
`

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dev := fs.Bool("dev", false, "build pages for development: readable code and source maps")
	out := fs.String("o", "", "write the app's artifact to this folder (spec/artifact.md)")
	check := releaseFlags(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, buildUsage)
		fs.PrintDefaults()
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	dir, err := appDirArg(pos)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	res, err := buildRelease(ctx, dir, *dev, check.typecheck(), *check.tools, log)
	if err != nil {
		return err
	}
	if *out != "" {
		return writeArtifact(dir, *out, stdout)
	}
	if len(res.Routes) == 0 {
		fmt.Fprintf(stdout, "sandkit: %s has no Go handlers to build\n", dir)
		return nil
	}
	how := "built"
	if res.Cached {
		how = "from the build cache"
	}
	rel := outputPath(dir, res.WasmPath)
	fi, _ := os.Stat(res.WasmPath)
	size := int64(0)
	if fi != nil {
		size = fi.Size()
	}
	fmt.Fprintf(stdout, "sandkit: %d Go routes -> %s (%.1f MB, sha256 %s…), %s in %v\n",
		len(res.Routes), rel, float64(size)/1e6, res.SHA256[:12], how, res.Duration.Round(time.Millisecond))
	for _, r := range res.Routes {
		if folder, ok := strings.CutPrefix(r, "layout:"); ok {
			fmt.Fprintf(stdout, "  %s (layout loader)\n", path.Join("routes", folder, "layout"))
			continue
		}
		fmt.Fprintf(stdout, "  routes/%s\n", r)
	}
	return nil
}

// releaseFlags defines the type check's flags of a command that builds a
// release (build, deploy) on fs.
func releaseFlags(fs *flag.FlagSet) releaseCheck {
	return releaseCheck{
		skip:  fs.Bool("no-typecheck", false, "do not type-check pages with tsc (done when the app has a tsconfig.json)"),
		tools: fs.String("tools-dir", toolsDir(), "where sandkit installs its own tools (the pinned TypeScript)"),
	}
}

// releaseCheck is how a release build type-checks pages, from its flags.
type releaseCheck struct {
	skip  *bool
	tools *string
}

func (c releaseCheck) typecheck() bool { return !*c.skip }

// buildRelease builds what an artifact holds: the app's Go handlers, its
// pages and, if typecheck, the pages' type check (with the TypeScript
// installed under tools).
func buildRelease(ctx context.Context, dir string, dev, typecheck bool, tools string, log *slog.Logger) (*compiler.Result, error) {
	res, err := buildHandlers(ctx, dir, log)
	if err != nil {
		return nil, err
	}
	if err := buildPages(ctx, dir, dev, log); err != nil {
		return nil, err
	}
	if typecheck {
		if err := typeCheck(ctx, dir, tools, log); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// appDirArg returns the app folder named by the positional arguments (the
// current folder if none), checking that it has a routes/ folder.
func appDirArg(pos []string) (string, error) {
	if len(pos) > 1 {
		return "", usageError{msg: fmt.Sprintf("one APPDIR expected, got %d: %v", len(pos), pos)}
	}
	dir := "."
	if len(pos) == 1 {
		dir = pos[0]
	}
	if err := checkAppDir(dir); err != nil {
		return "", err
	}
	return dir, nil
}

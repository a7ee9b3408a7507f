// BuildHandlers: build an app's Go routes into one cached, atomically
// published app module.

package compiler

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"sandkit.dev/sandkit/abi"
)

// Output locations, relative to the app folder.
const (
	BuildDir     = ".sandkit/build"
	CacheDir     = ".sandkit/cache"
	WasmFile     = "handlers.wasm"
	ManifestFile = "handlers.json"
)

// Result describes the app module BuildHandlers produced.
type Result struct {
	// WasmPath and ManifestPath are the published files; both are "" when
	// the app has no Go routes.
	WasmPath     string
	ManifestPath string
	// Routes are the route ids linked into the module, sorted; empty when
	// the app has no Go routes.
	Routes []string
	// SHA256 is the hex SHA-256 of the module.
	SHA256 string
	// Cached reports that the module came from the build cache and go did
	// not run.
	Cached bool
	// Duration is the wall time of the whole call.
	Duration time.Duration
}

// manifest is the content of handlers.json.
type manifest struct {
	ABI    int      `json:"abi"`
	SHA256 string   `json:"sha256"`
	Routes []string `json:"routes"`
}

// goRuns counts go build invocations, for tests of the cache.
var goRuns atomic.Int64

// partSeq numbers the partial outputs of concurrent builds.
var partSeq atomic.Int64

// BuildHandlers builds the Go routes of the app in appDir into
// appDir/.sandkit/build/handlers.wasm and its manifest handlers.json,
// reusing a cached module when nothing that decides its bytes changed.
//
// Errors in the app's code or layout are a *BuildError whose message names
// files under routes/ with line and column. Cancelling ctx stops a running
// go build.
func BuildHandlers(ctx context.Context, appDir string) (*Result, error) {
	start := time.Now()
	appDir, err := filepath.Abs(appDir)
	if err != nil {
		return nil, err
	}
	app := strconv.Quote(filepath.Base(appDir))
	buildDir := filepath.Join(appDir, filepath.FromSlash(BuildDir))
	res := &Result{}

	routes, err := scanGoRoutes(appDir)
	if err != nil {
		return nil, err
	}
	for _, r := range routes {
		if r.registers() {
			res.Routes = append(res.Routes, r.id)
		}
		if r.layout != nil {
			res.Routes = append(res.Routes, layoutRouteID(r.id))
		}
	}
	if len(res.Routes) == 0 { // no routes, or only middleware with nothing to wrap
		for _, f := range []string{ManifestFile, WasmFile} {
			if err := os.Remove(filepath.Join(buildDir, f)); err != nil && !os.IsNotExist(err) {
				return nil, fmt.Errorf("app %s: removing stale %s: %w", app, f, err)
			}
		}
		res.Duration = time.Since(start)
		return res, nil
	}

	// No module proxy serves the guest SDK: `go get` cannot fetch it.
	const sdkHint = "no module proxy serves " + sdkModule + "; `sandkit new NAME` writes an app whose go.mod requires it from a copy of the guest SDK beside the app (NAME/.sandkit/sdk): start from one, or copy its go.mod lines and .sandkit/sdk"
	mod, err := findModule(appDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, &BuildError{App: appDir, Output: fmt.Sprintf(
			"go.mod: not found in %s or any folder above it (hint: %s)", appDir, sdkHint)}
	}
	if err != nil {
		return nil, fmt.Errorf("app %s: reading go.mod: %w", app, err)
	}
	if !mod.usesSDK() && findWorkspace(appDir) == "" {
		return nil, &BuildError{App: appDir, Output: fmt.Sprintf(
			"%s: does not require %s (hint: %s)",
			relSlash(appDir, filepath.Join(mod.dir, "go.mod")), sdkModule, sdkHint)}
	}
	if _, err := os.Stat(filepath.Join(appDir, genDir)); err == nil {
		return nil, &BuildError{App: appDir, Output: genDir + ": the compiler generates this folder virtually (hint: rename the folder)"}
	}
	goCmd, err := findGo()
	if err != nil {
		return nil, fmt.Errorf("app %s: the go command is needed to build Go handlers: %w", app, err)
	}

	gen := generate(mod, appDir, routes)
	key, err := cacheKey(goCmd, mod, appDir, gen)
	if err != nil {
		return nil, fmt.Errorf("app %s: hashing sources: %w", app, err)
	}
	cacheDir := filepath.Join(appDir, filepath.FromSlash(CacheDir))
	cached := filepath.Join(cacheDir, key+".wasm")
	wasm, err := os.ReadFile(cached)
	if err == nil {
		res.Cached = true
		now := time.Now()
		os.Chtimes(cached, now, now) // mark as recently used for pruning
	} else {
		if err := os.MkdirAll(cacheDir, 0o755); err != nil {
			return nil, fmt.Errorf("app %s: %w", app, err)
		}
		if err := goBuild(ctx, goCmd.path, appDir, gen, routes, cached, nil); err != nil {
			return nil, err
		}
		if wasm, err = os.ReadFile(cached); err != nil {
			return nil, fmt.Errorf("app %s: %w", app, err)
		}
		pruneCache(cacheDir)
	}

	sum := sha256.Sum256(wasm)
	res.SHA256 = hex.EncodeToString(sum[:])
	res.WasmPath = filepath.Join(buildDir, WasmFile)
	res.ManifestPath = filepath.Join(buildDir, ManifestFile)
	man, _ := json.Marshal(manifest{ABI: abi.Version, SHA256: res.SHA256, Routes: res.Routes})
	man = append(man, '\n')
	if err := publish(buildDir, res, wasm, man); err != nil {
		return nil, fmt.Errorf("app %s: writing %s: %w", app, BuildDir, err)
	}
	res.Duration = time.Since(start)
	return res, nil
}

// publish writes the module, then the manifest, each atomically; a file
// whose content is already right is left alone so watchers see no change.
func publish(buildDir string, res *Result, wasm, man []byte) error {
	if err := os.MkdirAll(buildDir, 0o755); err != nil {
		return err
	}
	if err := updateFileAtomic(res.WasmPath, wasm); err != nil {
		return err
	}
	return updateFileAtomic(res.ManifestPath, man)
}

// goBuild runs go build for the generated main package and leaves the
// module at out (written through a temporary file and a rename). extraEnv
// is appended to the environment.
func goBuild(ctx context.Context, goPath, appDir string, gen *generated, routes []*goRoute, out string, extraEnv []string) error {
	tmp, err := os.MkdirTemp("", "sandkit-build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	mainPath := filepath.Join(tmp, "main.go")
	overlayPath := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(mainPath, gen.mainGo, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(overlayPath, gen.overlayJSON(appDir, mainPath), 0o644); err != nil {
		return err
	}
	partial := fmt.Sprintf("%s.%d-%d.part", out, os.Getpid(), partSeq.Add(1)) // unique per concurrent build
	defer os.Remove(partial)

	cmd := exec.CommandContext(ctx, goPath, "build", "-overlay", overlayPath,
		"-buildmode=c-shared", "-trimpath", "-buildvcs=false", "-o", partial, "./"+genDir)
	cmd.Dir = appDir
	// Nothing the app ships runs natively (spec/config.md): its go.mod or
	// go.work cannot switch to another toolchain (GOTOOLCHAIN=local), cgo
	// and its compiler flags are off, and -buildvcs=false keeps git (and a
	// .git/config the app ships) out of the build.
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0", "GOTOOLCHAIN=local")
	cmd.Env = append(cmd.Env, extraEnv...)
	cmd.WaitDelay = 5 * time.Second
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	goRuns.Add(1)
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("app %q: go build: %w", filepath.Base(appDir), ctx.Err())
		}
		m := &mapper{appDir: appDir, mainPath: mainPath, gen: gen, routes: routes}
		msg := m.mapOutput(output.String())
		if msg == "" {
			msg = err.Error()
		}
		if strings.Contains(msg, "GOTOOLCHAIN=local") {
			msg += "\n(hint: sandkit builds with the go command on PATH and never downloads another toolchain: install that Go release, or lower the go line of go.mod)"
		}
		return &BuildError{App: appDir, Output: msg}
	}
	return os.Rename(partial, out)
}

// Check: what BuildHandlers needs of an app's go.mod, checked without
// running the go command (for "sandkit check").

package compiler

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// CheckModule reports whether the app in appDir has a go.mod (there or in
// a folder above) that parses and requires the guest SDK, as building its
// Go handlers needs. It returns the go.mod's path.
func CheckModule(appDir string) (string, error) {
	appDir, err := filepath.Abs(appDir)
	if err != nil {
		return "", err
	}
	mod, err := findModule(appDir)
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("go.mod: not found in %s or any folder above it, and the app has Go handlers\nhint: %s", appDir, noModuleHint(appDir))
	}
	if err != nil {
		return "", err
	}
	path := filepath.Join(mod.dir, "go.mod")
	if !mod.usesSDK() && findWorkspace(appDir) == "" {
		return path, fmt.Errorf("%s: does not require %s, which the Go handlers import\nhint: %s", path, sdkModule, requireSDKHint(mod.dir))
	}
	return path, nil
}

// noModuleHint is how to give the app in dir a go.mod that builds.
func noModuleHint(dir string) string {
	return fmt.Sprintf("run `go mod init example.com/%s` in %s, then %s", filepath.Base(dir), dir, requireSDKHint(dir))
}

// requireSDKHint is how to make the module in dir require the guest SDK.
// No module proxy serves sandkit.dev/sandkit, so `go get` cannot: the
// module is required at a placeholder version and replaced by a checkout.
func requireSDKHint(dir string) string {
	return fmt.Sprintf("run `go mod edit -require=%s@v0.0.0 -replace=%s=PATH` in %s, PATH being a checkout of sandkit", sdkModule, sdkModule, dir)
}

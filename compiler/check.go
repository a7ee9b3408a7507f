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
		return "", fmt.Errorf("go.mod: not found in %s or any folder above it, and the app has Go handlers\nhint: run `go mod init example.com/%s` in the app folder, then `go mod edit -require=%s@v0.0.0 -replace=%s=PATH` with PATH a checkout of sandkit",
			appDir, filepath.Base(appDir), sdkModule, sdkModule)
	}
	if err != nil {
		return "", err
	}
	path := filepath.Join(mod.dir, "go.mod")
	if !mod.usesSDK() && findWorkspace(appDir) == "" {
		return path, fmt.Errorf("%s: does not require %s, which the Go handlers import\nhint: in %s run `go mod edit -require=%s@v0.0.0 -replace=%s=PATH` with PATH a checkout of sandkit", path, sdkModule, mod.dir, sdkModule, sdkModule)
	}
	return path, nil
}

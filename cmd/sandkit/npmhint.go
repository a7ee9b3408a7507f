// npm hints: the fix for the usual ways "npm ci" fails.

package main

import (
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// npmHint says how to fix a failed "npm ci" in dir, from its error and
// output.
func npmHint(dir string, err error, out string) string {
	if abs, aerr := filepath.Abs(dir); aerr == nil {
		dir = abs
	}
	switch {
	case errors.Is(err, exec.ErrNotFound):
		return "install Node.js (with npm 7 or later) and make sure npm is on PATH"
	case strings.Contains(out, "in sync"):
		return fmt.Sprintf("package.json changed since package-lock.json was written: run `npm install --ignore-scripts` in %s, then start again", dir)
	case strings.Contains(out, "ENOTCACHED"), strings.Contains(out, "ENOTFOUND"), strings.Contains(out, "EAI_AGAIN"), strings.Contains(out, "ECONNREFUSED"), strings.Contains(out, "ETIMEDOUT"):
		return fmt.Sprintf("npm could not download a package: check the network, or the registry and proxy settings in ~/.npmrc (npm_config_offline=true installs from npm's cache only); if package.json changed, run `npm install --ignore-scripts` in %s", dir)
	}
	return fmt.Sprintf("run `npm ci --ignore-scripts` in %s to see npm's own report", dir)
}

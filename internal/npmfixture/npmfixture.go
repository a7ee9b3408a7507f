// Package npmfixture installs the npm packages of a test fixture or example
// app for sandkit's own tests and benchmarks, without the network and
// without running any package's scripts.
//
// The deps step (scripts/install-deps.sh) is the only one that reaches the
// npm registry: it runs npm ci in every fixture, which fills node_modules
// there and the npm cache. A test then calls
//
//	if err := npmfixture.Install(dir); err != nil {
//		t.Fatal(err)
//	}
//
// which does nothing when dir's node_modules matches its lock file, and
// otherwise runs npm ci --offline from the cache. A package missing from
// the cache is an error that says to run the deps step, never a download.
package npmfixture

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
)

var mu sync.Mutex // one npm at a time in this process

// Install makes dir's node_modules match its package-lock.json, offline
// and with install scripts off.
func Install(dir string) error {
	mu.Lock()
	defer mu.Unlock()
	lock, err := os.Stat(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		return fmt.Errorf("npm fixture %s: %w", dir, err)
	}
	if got, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json")); err == nil && !got.ModTime().Before(lock.ModTime()) {
		return nil
	}
	cmd := exec.Command("npm", "ci", "--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm ci --offline in %s: %v\n%s\nhint: run the deps step, bash scripts/install-deps.sh, which installs every fixture and fills the npm cache (Node and npm are required)", dir, err, out)
	}
	return nil
}

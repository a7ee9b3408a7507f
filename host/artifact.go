// Artifacts: an app served from the folder sandkit build -o wrote, checked
// before it is served and routed by its manifest instead of a routes/
// folder (spec/artifact.md).

package host

import (
	"fmt"
	"os"
	"path/filepath"

	"sandkit.dev/sandkit/artifact"
	"sandkit.dev/sandkit/routing"
)

// openArtifact checks the artifact in dir, if dir is one, before it is
// served: nil, nil for an app folder. Files the Engine checked before and
// that did not change since are not read again (artifact.Verified).
func (e *Engine) openArtifact(dir string) (*artifact.Manifest, error) {
	if !artifact.Is(dir) {
		return nil, nil
	}
	return e.verified.Open(dir)
}

// routeTable is the app's route table: its artifact's, or its routes/
// folder scanned.
func (a *App) routeTable() (*routing.Table, error) {
	if a.artifact != nil {
		t, err := a.artifact.Table()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", artifact.ManifestFile, err)
		}
		return t, nil
	}
	return routing.Scan(os.DirFS(filepath.Join(a.dir, "routes")))
}

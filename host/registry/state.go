// The directory's own state folder, .sandkit: where bundles are unpacked
// before they become versions, and where folders go to be deleted, so that
// both a new version and a deletion appear in one rename.

package registry

import (
	"os"
	"path/filepath"
	"time"
)

const (
	stagingDir = "staging"
	trashDir   = "trash"
	// staleStaging is the age past which OpenDir removes a staging folder:
	// far longer than any upload, so one in progress in another process
	// is left alone.
	staleStaging = time.Hour
)

// sweep removes what an interrupted Delete left in the trash and what an
// interrupted Put left in staging long ago.
func (d *Dir) sweep() {
	trash := filepath.Join(d.dir, stateDir, trashDir)
	if ents, err := os.ReadDir(trash); err == nil {
		for _, e := range ents {
			os.RemoveAll(filepath.Join(trash, e.Name()))
		}
	}
	RemoveStale(filepath.Join(d.dir, stateDir, stagingDir))
}

// RemoveStale removes what is in the staging folder dir and older than an
// hour: what an interrupted upload or checkout left. An upload in progress,
// even in another process, is far younger.
func RemoveStale(dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > staleStaging {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// newStaging makes a fresh staging folder for an upload to app.
func (d *Dir) newStaging(app string) (string, error) {
	return os.MkdirTemp(filepath.Join(d.dir, stateDir, stagingDir), app+"-")
}

// discard renames the folder p into the trash, then removes it there.
func (d *Dir) discard(p string) error {
	tmp, err := os.MkdirTemp(filepath.Join(d.dir, stateDir, trashDir), filepath.Base(p)+"-")
	if err != nil {
		return err
	}
	gone := filepath.Join(tmp, filepath.Base(p))
	if err := os.Rename(p, gone); err != nil {
		os.Remove(tmp)
		return err
	}
	syncDir(filepath.Dir(p))
	return os.RemoveAll(tmp)
}

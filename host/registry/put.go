// Put: an uploaded bundle becomes the next version of a managed app,
// unpacked and checked in .sandkit/staging, then renamed into versions/.

package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Put unpacks and checks bundle (Unpack) in a staging folder, then renames
// it to versions/vN of app, N one more than the highest version app has
// had; the version is not active. A refused bundle leaves nothing behind.
func (d *Dir) Put(ctx context.Context, app string, bundle io.Reader, maxBytes int64) (Version, error) {
	if err := checkName(app); err != nil {
		return Version{}, err
	}
	if d.kind(app) == plain {
		return Version{}, plainRefusal(app, "upload a version")
	}
	staging, err := d.newStaging(app)
	if err != nil {
		return Version{}, fmt.Errorf("app %q: %w", app, err)
	}
	defer os.RemoveAll(staging)
	art := filepath.Join(staging, "artifact")
	if err := os.Mkdir(art, 0o755); err != nil {
		return Version{}, fmt.Errorf("app %q: %w", app, err)
	}
	var env func(string) (string, bool)
	if d.env != nil {
		env = d.env(app)
	}
	b, err := Unpack(bundle, maxBytes, art, env)
	if err != nil {
		return Version{}, fmt.Errorf("app %q: %w", app, err)
	}
	if err := ctx.Err(); err != nil {
		return Version{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.kind(app) == plain {
		return Version{}, plainRefusal(app, "upload a version")
	}
	versions := filepath.Join(d.appDir(app), versionsDir)
	if err := os.MkdirAll(versions, 0o755); err != nil {
		return Version{}, fmt.Errorf("app %q: %w", app, err)
	}
	n, err := d.nextVersion(app)
	if err != nil {
		return Version{}, err
	}
	meta := versionMeta{Created: time.Now().UTC().Truncate(time.Second), SHA256: b.SHA256, Size: b.Size}
	mb, _ := json.Marshal(meta)
	for tries := 0; ; tries++ {
		name := "v" + strconv.Itoa(n)
		err := os.Rename(art, filepath.Join(versions, name))
		if err == nil {
			syncDir(versions)
			// The record of the upload; without it Versions falls back
			// to the folder's time.
			if err := writeFileAtomic(versions, name+".json", append(mb, '\n'), 0o644); err != nil {
				d.log.Warn("registry: recording a version", "app", app, "version", name, "err", err)
			}
			return Version{Name: name, Created: meta.Created, SHA256: b.SHA256, Size: b.Size}, nil
		}
		// Another process took vN meanwhile: take the next one.
		if tries < 100 && (errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST)) {
			n++
			continue
		}
		return Version{}, fmt.Errorf("app %q: %w", app, err)
	}
}

// nextVersion is the number of app's next version: one more than any
// version folder or record (vN.json, kept when a version is deleted), so a
// name is never given to two uploads.
func (d *Dir) nextVersion(app string) (int, error) {
	ents, err := os.ReadDir(filepath.Join(d.appDir(app), versionsDir))
	if err != nil {
		return 0, fmt.Errorf("app %q: %w", app, err)
	}
	next := 1
	for _, e := range ents {
		name := strings.TrimSuffix(e.Name(), ".json")
		if VersionRE.MatchString(name) {
			if n, _ := strconv.Atoi(name[1:]); n >= next {
				next = n + 1
			}
		}
	}
	return next, nil
}

// Checkouts: a version's bundle, read from its row, verified against its
// SHA-256 and unpacked into this host's cache folder, once.

package pgregistry

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"

	"sandkit.dev/sandkit/host/registry"
)

// The cache folder: CACHE/apps/APP/vN-HASH/ (an artifact folder),
// CACHE/data/APP/ (the app's SQLite data on this host) and CACHE/.staging.
const (
	appsDir    = "apps"
	dataDir    = "data"
	stagingDir = ".staging"
)

var sha256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// checkoutDir is where version (of bundle hash sum) of app is checked out:
// the hash is in the name, so an app deleted and deployed again never
// finds the old one's files.
func (r *Registry) checkoutDir(app, version, sum string) string {
	return filepath.Join(r.cache, appsDir, app, version+"-"+sum[:16])
}

// Checkout returns this host's folder of version of app, unpacking it from
// the registry first if it is not there: the bundle's SHA-256 must be the
// one recorded at upload, and it is checked again as at upload
// (registry.Unpack) before it is renamed into place.
func (r *Registry) Checkout(ctx context.Context, app, version string) (string, error) {
	if err := checkName(app); err != nil {
		return "", err
	}
	n, ok := versionNumber(version)
	if !ok {
		return "", fmt.Errorf("app %q: version %q: %w", app, version, registry.ErrNotFound)
	}
	var sum string
	err := r.pool.QueryRow(ctx, "SELECT sha256 FROM "+r.schema+".versions WHERE app = $1 AND n = $2", app, n).Scan(&sum)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("app %q: version %q: %w", app, version, registry.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("app %q: checkout %s: %w", app, version, err)
	}
	if !sha256RE.MatchString(sum) {
		return "", fmt.Errorf("app %q: version %s: the registry's sha256 %q is not a hex SHA-256", app, version, sum)
	}
	dir := r.checkoutDir(app, version, sum)
	if _, err := os.Stat(filepath.Join(dir, "sandkit-artifact.json")); err == nil {
		return dir, nil
	}
	var bundle []byte
	err = r.pool.QueryRow(ctx, "SELECT bundle FROM "+r.schema+".versions WHERE app = $1 AND n = $2 AND sha256 = $3", app, n, sum).Scan(&bundle)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("app %q: version %q: %w", app, version, registry.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("app %q: checkout %s: %w", app, version, err)
	}
	if got := sha256.Sum256(bundle); hex.EncodeToString(got[:]) != sum {
		return "", fmt.Errorf("app %q: version %s: the bundle's sha256 is %x, the registry recorded %s (the row was changed)", app, version, got[:6], sum[:12])
	}
	staging, err := os.MkdirTemp(filepath.Join(r.cache, stagingDir), app+"-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(staging)
	art := filepath.Join(staging, "artifact")
	if err := os.Mkdir(art, 0o755); err != nil {
		return "", err
	}
	if _, err := registry.Unpack(bytes.NewReader(bundle), int64(len(bundle)), art, r.appEnv(app)); err != nil {
		return "", fmt.Errorf("app %q: checkout %s: %w", app, version, err)
	}
	if err := r.adopt(app, version, sum, art); err != nil {
		return "", fmt.Errorf("app %q: checkout %s: %w", app, version, err)
	}
	return dir, nil
}

// adopt renames the checked artifact folder art into the cache as version
// of app. If another checkout got there first, its folder is kept.
func (r *Registry) adopt(app, version, sum, art string) error {
	dir := r.checkoutDir(app, version, sum)
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	if err := os.Rename(art, dir); err != nil {
		if _, serr := os.Stat(filepath.Join(dir, "sandkit-artifact.json")); serr == nil {
			return nil
		}
		return err
	}
	return nil
}

// forget removes this host's checkouts of version of app, or of every
// version if version is "".
func (r *Registry) forget(app, version string) {
	base := filepath.Join(r.cache, appsDir, app)
	if version == "" {
		os.RemoveAll(base)
		return
	}
	ents, _ := os.ReadDir(base)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), version+"-") {
			os.RemoveAll(filepath.Join(base, e.Name()))
		}
	}
}

// DataDir is CACHE/data/APP: an app's SQLite data on this host. A fleet's
// hosts do not share it; an app served by a fleet keeps its data in
// PostgreSQL (SANDKIT_DATABASE_URL).
func (r *Registry) DataDir(app string) string {
	return filepath.Join(r.cache, dataDir, app)
}

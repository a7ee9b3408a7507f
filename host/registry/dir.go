// Dir: the registry of one host, kept in a bundle directory
// (spec/hosting.md, "The bundle directory"): plain artifact folders and
// managed apps with their versions, active version, tokens and data.

package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"sandkit.dev/sandkit/artifact"
)

// The names inside a managed app's folder.
const (
	versionsDir = "versions"
	activeFile  = "active"
	tokensFile  = "tokens"
	dataDir     = artifact.DataDir
)

// ArtifactVersion is the one version of a plain artifact folder (one that
// sandkit build -o wrote straight into the directory).
const ArtifactVersion = "artifact"

// stateDir is the host's own folder in the directory, never a tenant: it
// holds bundles being unpacked (staging) and folders being deleted (trash),
// on the directory's file system so that both end in a rename.
const stateDir = ".sandkit"

// VersionRE is what the name of an uploaded version matches: v1, v2, ….
var VersionRE = regexp.MustCompile(`^v[1-9][0-9]{0,8}$`)

// Dir is a Registry kept in a bundle directory. Make one with OpenDir.
type Dir struct {
	dir  string
	log  *slog.Logger
	poll time.Duration
	env  func(app string) func(string) (string, bool)

	mu     sync.Mutex // serialises the writes of this process: numbering, active, tokens
	warned sync.Map   // folder names already warned about
}

// DirOption configures OpenDir.
type DirOption func(*Dir)

// WithLogger sends the registry's warnings (a folder that is not a tenant,
// an unreadable active file) to log instead of slog.Default().
func WithLogger(log *slog.Logger) DirOption { return func(d *Dir) { d.log = log } }

// WithPollInterval sets how often Changes re-reads the directory in case a
// file system event was missed (default 10s; 0 or less turns it off).
func WithPollInterval(p time.Duration) DirOption { return func(d *Dir) { d.poll = p } }

// WithEnv gives Put each app's environment to read its settings with (what
// the host gives the tenant: [apps.NAME.env] of its configuration), so
// that a setting read from_env with no default checks out. Without it, or
// where env returns nil, an upload's settings are read with an empty
// environment.
func WithEnv(env func(app string) func(string) (string, bool)) DirOption {
	return func(d *Dir) { d.env = env }
}

var _ Registry = (*Dir)(nil)

// OpenDir opens the bundle directory dir, making it if it does not exist,
// and clears what an interrupted Put or Delete left in its .sandkit folder.
func OpenDir(dir string, opts ...DirOption) (*Dir, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("registry %s: %w", dir, err)
	}
	d := &Dir{dir: abs, log: slog.Default(), poll: 10 * time.Second}
	for _, o := range opts {
		o(d)
	}
	for _, sub := range []string{stagingDir, trashDir} {
		if err := os.MkdirAll(filepath.Join(abs, stateDir, sub), 0o700); err != nil {
			return nil, fmt.Errorf("registry %s: %w", dir, err)
		}
	}
	d.sweep()
	return d, nil
}

// Path is the directory's absolute path.
func (d *Dir) Path() string { return d.dir }

// appKind is what a folder of the directory holds.
type appKind int

const (
	notApp  appKind = iota
	plain           // a sandkit-artifact.json: one version, read-only
	managed         // versions/ or an active file: the registry's
)

// kind tells what the folder of app holds; notApp if there is none.
func (d *Dir) kind(app string) appKind {
	p := d.appDir(app)
	if fi, err := os.Lstat(p); err != nil || !fi.IsDir() {
		return notApp
	}
	if _, err := os.Lstat(filepath.Join(p, artifact.ManifestFile)); err == nil {
		return plain
	}
	for _, f := range []string{versionsDir, activeFile, tokensFile} {
		if _, err := os.Lstat(filepath.Join(p, f)); err == nil {
			return managed
		}
	}
	return notApp
}

func (d *Dir) appDir(app string) string { return filepath.Join(d.dir, app) }

// checkName refuses a name that is not a tenant name, before it is joined
// to a path.
func checkName(app string) error {
	if !NameRE.MatchString(app) {
		return &InvalidError{Reason: fmt.Sprintf("app name %q: an app's name is a DNS label: lower-case letters, digits and '-', starting with a letter, at most 63 characters", app)}
	}
	return nil
}

// plainRefusal is the error for a write to a plain artifact folder.
func plainRefusal(app, what string) error {
	return &InvalidError{Reason: fmt.Sprintf("app %q: cannot %s: it is a plain artifact folder (sandkit build -o), which the registry serves as it is and never changes\nhint: deploy under another name, or remove the folder and deploy it", app, what)}
}

// Apps lists the tenants of the directory that have an active version:
// every plain artifact folder, and every managed app whose active file
// names one of its versions. Folders whose names are not tenant names are
// skipped with a warning (once), dot folders silently.
func (d *Dir) Apps(ctx context.Context) ([]App, error) {
	ents, err := os.ReadDir(d.dir)
	if err != nil {
		return nil, fmt.Errorf("registry %s: %w", d.dir, err)
	}
	var apps []App
	for _, e := range ents {
		name := e.Name()
		if strings.HasPrefix(name, ".") || !e.IsDir() {
			continue
		}
		if !NameRE.MatchString(name) {
			d.warnOnce(name, "registry: folder skipped: its name is not an app name (a DNS label)", "folder", filepath.Join(d.dir, name))
			continue
		}
		if active, ok := d.active(name); ok {
			apps = append(apps, App{Name: name, Active: active})
		}
	}
	return apps, ctx.Err()
}

// active is app's active version, if it has one that exists.
func (d *Dir) active(app string) (string, bool) {
	switch d.kind(app) {
	case plain:
		return ArtifactVersion, true
	case managed:
		b, err := os.ReadFile(filepath.Join(d.appDir(app), activeFile))
		if errors.Is(err, fs.ErrNotExist) {
			return "", false // uploaded, never activated
		}
		v := strings.TrimSpace(string(b))
		if err != nil || !VersionRE.MatchString(v) {
			d.warnOnce(app+"/active", "registry: app skipped: its active file does not name a version", "app", app, "err", err)
			return "", false
		}
		if fi, err := os.Stat(filepath.Join(d.appDir(app), versionsDir, v)); err != nil || !fi.IsDir() {
			d.warnOnce(app+"/active/"+v, "registry: app skipped: its active version is missing", "app", app, "version", v)
			return "", false
		}
		return v, true
	}
	return "", false
}

func (d *Dir) warnOnce(key, msg string, args ...any) {
	if _, seen := d.warned.LoadOrStore(key, true); !seen {
		d.log.Warn(msg, args...)
	}
}

// versionMeta is what versions/vN.json records of an upload.
type versionMeta struct {
	Created time.Time `json:"created"`
	SHA256  string    `json:"sha256"`
	Size    int64     `json:"size"`
}

// Versions lists app's versions, oldest first. A plain artifact folder has
// one, ArtifactVersion, created when its manifest was written; it has no
// bundle, so no SHA-256 or size.
func (d *Dir) Versions(ctx context.Context, app string) ([]Version, error) {
	if err := checkName(app); err != nil {
		return nil, err
	}
	active, _ := d.active(app)
	switch d.kind(app) {
	case plain:
		fi, err := os.Stat(filepath.Join(d.appDir(app), artifact.ManifestFile))
		if err != nil {
			return nil, fmt.Errorf("app %q: %w", app, err)
		}
		return []Version{{Name: ArtifactVersion, Created: fi.ModTime().UTC(), Active: true}}, nil
	case managed:
		nums, err := d.versionNumbers(app)
		if err != nil {
			return nil, err
		}
		var vs []Version
		for _, n := range nums {
			name := "v" + strconv.Itoa(n)
			v := Version{Name: name, Active: name == active}
			if b, err := os.ReadFile(filepath.Join(d.appDir(app), versionsDir, name+".json")); err == nil {
				var m versionMeta
				if json.Unmarshal(b, &m) == nil {
					v.Created, v.SHA256, v.Size = m.Created, m.SHA256, m.Size
				}
			}
			if v.Created.IsZero() {
				if fi, err := os.Stat(filepath.Join(d.appDir(app), versionsDir, name)); err == nil {
					v.Created = fi.ModTime().UTC()
				}
			}
			vs = append(vs, v)
		}
		if len(vs) > 0 {
			return vs, ctx.Err()
		}
	}
	return nil, fmt.Errorf("app %q: %w", app, ErrNotFound)
}

// versionNumbers are the numbers of app's version folders, increasing.
func (d *Dir) versionNumbers(app string) ([]int, error) {
	ents, err := os.ReadDir(filepath.Join(d.appDir(app), versionsDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("app %q: %w", app, err)
	}
	var nums []int
	for _, e := range ents {
		if e.IsDir() && VersionRE.MatchString(e.Name()) {
			n, _ := strconv.Atoi(e.Name()[1:])
			nums = append(nums, n)
		}
	}
	slices.Sort(nums)
	return nums, nil
}

// Checkout returns the folder of version of app: a managed app's
// versions/vN, or a plain artifact's own folder. It is the registry's: the
// host opens it (host.OpenApp) and never writes into it.
func (d *Dir) Checkout(ctx context.Context, app, version string) (string, error) {
	if err := checkName(app); err != nil {
		return "", err
	}
	switch d.kind(app) {
	case plain:
		if version == ArtifactVersion {
			return d.appDir(app), nil
		}
	case managed:
		if VersionRE.MatchString(version) {
			p := filepath.Join(d.appDir(app), versionsDir, version)
			if fi, err := os.Stat(p); err == nil && fi.IsDir() {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("app %q: version %q: %w", app, version, ErrNotFound)
}

// DataDir is DIR/NAME/data, where app's SQLite database lives whichever
// version is active (host.Tenant.DataDir).
func (d *Dir) DataDir(app string) string {
	return filepath.Join(d.appDir(app), dataDir)
}

// Activate makes version the active version of app: it writes the active
// file under another name and renames it into place, so a reader sees the
// old version or the new one.
func (d *Dir) Activate(ctx context.Context, app, version string) error {
	if err := checkName(app); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	switch d.kind(app) {
	case plain:
		return plainRefusal(app, "activate "+strconv.Quote(version))
	case notApp:
		return fmt.Errorf("app %q: %w", app, ErrNotFound)
	}
	if _, err := d.Checkout(ctx, app, version); err != nil {
		return err
	}
	if err := writeFileAtomic(d.appDir(app), activeFile, []byte(version+"\n"), 0o644); err != nil {
		return fmt.Errorf("app %q: activate %s: %w", app, version, err)
	}
	return nil
}

// DeleteVersion removes a version of app that is not the active one.
func (d *Dir) DeleteVersion(ctx context.Context, app, version string) error {
	if err := checkName(app); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.kind(app) == plain {
		return plainRefusal(app, "delete version "+strconv.Quote(version))
	}
	p, err := d.Checkout(ctx, app, version)
	if err != nil {
		return err
	}
	if active, _ := d.active(app); active == version {
		return &InvalidError{Reason: fmt.Sprintf("app %q: version %s is active: activate another one before deleting it", app, version)}
	}
	// Its record vN.json stays, so that vN is never given again.
	if err := d.discard(p); err != nil {
		return fmt.Errorf("app %q: delete version %s: %w", app, version, err)
	}
	return nil
}

// Delete removes app's folder: its versions, tokens and data. The folder
// is first renamed out of the directory, so the app disappears at once.
func (d *Dir) Delete(ctx context.Context, app string) error {
	if err := checkName(app); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, err := os.Lstat(d.appDir(app)); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("app %q: %w", app, ErrNotFound)
	}
	if err := d.discard(d.appDir(app)); err != nil {
		return fmt.Errorf("app %q: delete: %w", app, err)
	}
	return nil
}

// writeFileAtomic writes dir/name by writing a temporary file beside it,
// syncing it and renaming it into place.
func writeFileAtomic(dir, name string, b []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(dir, "."+name+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename in dir durable; a failure only weakens that.
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}

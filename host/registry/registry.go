// Package registry keeps the apps a multi-app host serves: each app's
// uploaded versions (artifacts written by sandkit build -o, spec/artifact.md),
// which one is active, and the hashes of its deploy tokens.
//
// One host keeps its registry in a bundle directory ([OpenDir]); a fleet of
// hosts shares one in PostgreSQL (package registry/pgregistry), where an
// activation is announced to every host. Either way the registry is the
// only state a host needs besides the apps' databases: hosts are otherwise
// stateless and interchangeable. spec/hosting.md describes the layout and
// the rules a Registry follows.
//
// A deploy is a bundle: the artifact folder as a gzip-compressed tar, which
// Pack writes. Put checks it (Unpack: bounded, no path leaves the folder,
// regular files only, the manifest's hashes, the modules' imports, the
// settings) and stores it as the app's next version, v1, v2, …; Activate
// makes one the version served:
//
//	reg, err := registry.OpenDir("/srv/apps")
//	var bundle bytes.Buffer
//	err = registry.Pack("dist", &bundle)             // sandkit build blog -o dist
//	v, err := reg.Put(ctx, "blog", &bundle, 256<<20) // refused: an *InvalidError
//	err = reg.Activate(ctx, "blog", v.Name)
//
// A host lists the apps (Apps), opens each active version where Checkout
// says (host.OpenApp with host.WithTenant, its data in DataDir), and
// re-reads an app when Changes names it.
package registry

import (
	"context"
	"errors"
	"io"
	"regexp"
	"time"
)

// Registry is where a host finds the apps it serves and where the deploy
// API stores them. Implementations are safe for concurrent use.
type Registry interface {
	// Apps lists every app with an active version, sorted by name.
	Apps(ctx context.Context) ([]App, error)
	// Versions lists app's versions, oldest first; ErrNotFound if the app
	// has none.
	Versions(ctx context.Context, app string) ([]Version, error)
	// Put validates bundle (a gzip-compressed tar of an artifact folder,
	// at most maxBytes compressed) and stores it as a new version of app,
	// not yet active; nothing changes if it is refused (an *InvalidError).
	Put(ctx context.Context, app string, bundle io.Reader, maxBytes int64) (Version, error)
	// Activate makes version the one served, atomically.
	Activate(ctx context.Context, app, version string) error
	// DeleteVersion removes a version that is not active.
	DeleteVersion(ctx context.Context, app, version string) error
	// Delete removes app: its versions, tokens and data folder.
	Delete(ctx context.Context, app string) error
	// Checkout returns a local folder holding version of app as an
	// artifact folder, to open with host.OpenApp; the host must not
	// write into it. DataDir is where the app's SQLite data lives.
	Checkout(ctx context.Context, app, version string) (dir string, err error)
	DataDir(app string) string
	// AddToken makes a new deploy token for app, stores only its hash and
	// returns the token (the one time it is seen).
	AddToken(ctx context.Context, app string) (string, error)
	// CheckToken reports whether token is one of app's deploy tokens.
	CheckToken(ctx context.Context, app, token string) (bool, error)
	// Changes delivers the name of an app whose active version may have
	// changed (added, activated, deleted): a hint to re-read, never
	// trusted content. It is closed when ctx is done.
	Changes(ctx context.Context) (<-chan string, error)
}

// App is an app of the registry and its active version.
type App struct {
	Name   string `json:"name"`
	Active string `json:"active"`
}

// Version is one uploaded version of an app.
type Version struct {
	Name    string    `json:"version"` // v1, v2, …: assigned by Put, increasing per app
	Created time.Time `json:"created"`
	SHA256  string    `json:"sha256"` // of the uploaded bundle
	Size    int64     `json:"size"`   // of the uploaded bundle, bytes
	Active  bool      `json:"active"`
}

// ErrNotFound is returned for an app or version the registry does not hold.
var ErrNotFound = errors.New("not found")

// ErrTooLarge is wrapped by the *InvalidError of a bundle that is larger
// than Put's maxBytes (compressed) or than the bounds on what it holds
// (uncompressed): the deploy API answers it 413, other refusals 400.
var ErrTooLarge = errors.New("bundle too large")

// InvalidError is a bundle or request the registry refuses; its message says
// why, for the person deploying. Err, if set, is a sentinel it wraps
// (ErrTooLarge).
type InvalidError struct {
	Reason string
	Err    error
}

func (e *InvalidError) Error() string { return e.Reason }

// Unwrap returns Err, so that errors.Is(err, ErrTooLarge) holds for a
// bundle refused for its size.
func (e *InvalidError) Unwrap() error { return e.Err }

// NameRE is what an app's name must match: a DNS label, since apps are
// served as <name>.<base domain>.
var NameRE = regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`)

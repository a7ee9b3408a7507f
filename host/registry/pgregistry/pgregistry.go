// Package pgregistry is the fleet registry: a registry.Registry kept in
// PostgreSQL, so that many hosts serve the same apps (spec/hosting.md, "The
// fleet registry"). Bundles are rows; an activation is announced to every
// host with NOTIFY; each host checks a version out into its own cache
// folder, verified against the bundle's SHA-256, before it opens it.
//
//	reg, err := pgregistry.Open(ctx, os.Getenv("SANDKIT_DATABASE_URL"), "/var/cache/sandkit")
//	v, err := reg.Put(ctx, "blog", bundle, 256<<20) // checked as registry.Dir checks it
//	err = reg.Activate(ctx, "blog", v.Name)          // every host's Changes names "blog"
//	dir, err := reg.Checkout(ctx, "blog", v.Name)    // a local artifact folder
//
// The tables live in one schema (DefaultSchema) owned by the admin role of
// the URL; PUBLIC has no rights on it, so the tenants' roles (package
// host/appdb/postgres) cannot read bundles or token hashes. A
// notification's payload is only a hint: an app name, checked against
// registry.NameRE, after which the tables are read again.
package pgregistry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sandkit.dev/sandkit/host/registry"
)

// DefaultSchema is the registry's schema. It is not the "sandkit_" and a
// name of host/appdb/postgres.Schema: a tenant's name starts with a
// letter, so no tenant's role and schema can be this one (a tenant named
// "registry" gets sandkit_registry, and would be given the schema's tables
// if they were there).
const DefaultSchema = "sandkit__registry"

// Channel is what an activation is announced on: NOTIFY sandkit_registry,
// 'APP'. A registry in another schema (WithSchema) uses the schema's name,
// so that two registries in one database do not hear each other.
const Channel = "sandkit_registry"

// Registry is a registry.Registry in PostgreSQL. Make one with Open.
type Registry struct {
	pool      *pgxpool.Pool
	url       string
	rawSchema string
	schema    string // quoted
	channel   string
	cache     string
	log       *slog.Logger
	poll      time.Duration
	env       func(app string) func(string) (string, bool)
}

var _ registry.Registry = (*Registry)(nil)

// Option configures Open.
type Option func(*Registry)

// WithSchema keeps the tables in schema instead of DefaultSchema (two
// fleets in one database, or tests). So that it is no tenant's schema, it
// must match SchemaRE: "sandkit__" and lower-case letters, digits and '_'.
func WithSchema(schema string) Option {
	return func(r *Registry) { r.rawSchema = schema }
}

// SchemaRE is what a registry's schema name matches.
var SchemaRE = regexp.MustCompile(`^sandkit__[a-z0-9_]{1,54}$`)

// WithEnv gives each app's environment to read its settings with when an
// upload or a checkout is checked (registry.WithEnv); an empty one
// otherwise.
func WithEnv(env func(app string) func(string) (string, bool)) Option {
	return func(r *Registry) { r.env = env }
}

// appEnv is the environment app's settings are checked with.
func (r *Registry) appEnv(app string) func(string) (string, bool) {
	if r.env == nil {
		return nil
	}
	return r.env(app)
}

// WithLogger sends the registry's warnings to log instead of slog.Default().
func WithLogger(log *slog.Logger) Option { return func(r *Registry) { r.log = log } }

// WithPollInterval sets how often Changes re-reads the tables in case a
// notification was missed (default 5s, also for 0 or less).
func WithPollInterval(d time.Duration) Option { return func(r *Registry) { r.poll = d } }

// Open connects to the database at adminURL (the host's
// SANDKIT_DATABASE_URL), makes the registry's schema and tables if they are
// missing, and keeps checked-out versions under cacheDir.
func Open(ctx context.Context, adminURL, cacheDir string, opts ...Option) (*Registry, error) {
	r := &Registry{url: adminURL, rawSchema: DefaultSchema, log: slog.Default(), poll: 5 * time.Second}
	for _, o := range opts {
		o(r)
	}
	if !SchemaRE.MatchString(r.rawSchema) {
		return nil, fmt.Errorf("registry schema %q: it must match %s, so that no tenant's schema is the registry's", r.rawSchema, SchemaRE)
	}
	r.schema, r.channel = pgx.Identifier{r.rawSchema}.Sanitize(), r.rawSchema
	if r.rawSchema == DefaultSchema {
		r.channel = Channel
	}
	if r.poll <= 0 {
		r.poll = 5 * time.Second
	}
	abs, err := filepath.Abs(cacheDir)
	if err != nil {
		return nil, err
	}
	r.cache = abs
	if err := os.MkdirAll(filepath.Join(abs, stagingDir), 0o700); err != nil {
		return nil, fmt.Errorf("registry cache %s: %w", abs, err)
	}
	registry.RemoveStale(filepath.Join(abs, stagingDir))
	r.pool, err = pgxpool.New(ctx, adminURL)
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	if err := r.setup(ctx); err != nil {
		r.pool.Close()
		return nil, fmt.Errorf("registry: making schema %s: %w", r.schema, err)
	}
	return r, nil
}

// Close closes the registry's connections.
func (r *Registry) Close() { r.pool.Close() }

// setup makes the schema and tables, as the admin role, once per database
// (hosts starting at once are serialized by an advisory lock).
func (r *Registry) setup(ctx context.Context) error {
	return pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		s := r.schema
		for _, q := range []string{
			"SELECT pg_advisory_xact_lock(hashtext('sandkit registry setup'))",
			"CREATE SCHEMA IF NOT EXISTS " + s,
			"REVOKE ALL ON SCHEMA " + s + " FROM PUBLIC",
			`CREATE TABLE IF NOT EXISTS ` + s + `.apps (
				name text PRIMARY KEY,
				active int,
				next_version int NOT NULL DEFAULT 1,
				created timestamptz NOT NULL DEFAULT now())`,
			`CREATE TABLE IF NOT EXISTS ` + s + `.versions (
				app text NOT NULL REFERENCES ` + s + `.apps (name) ON DELETE CASCADE,
				n int NOT NULL,
				created timestamptz NOT NULL DEFAULT now(),
				sha256 text NOT NULL,
				size bigint NOT NULL,
				bundle bytea NOT NULL,
				PRIMARY KEY (app, n))`,
			`CREATE TABLE IF NOT EXISTS ` + s + `.tokens (
				app text NOT NULL REFERENCES ` + s + `.apps (name) ON DELETE CASCADE,
				hash text NOT NULL,
				created timestamptz NOT NULL DEFAULT now(),
				PRIMARY KEY (app, hash))`,
			"REVOKE ALL ON ALL TABLES IN SCHEMA " + s + " FROM PUBLIC",
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
}

// versionName is the name of version n; versionNumber parses one.
func versionName(n int) string { return "v" + strconv.Itoa(n) }

func versionNumber(v string) (int, bool) {
	if !registry.VersionRE.MatchString(v) {
		return 0, false
	}
	n, err := strconv.Atoi(v[1:])
	return n, err == nil
}

func checkName(app string) error {
	if !registry.NameRE.MatchString(app) {
		return &registry.InvalidError{Reason: fmt.Sprintf("app name %q: an app's name is a DNS label: lower-case letters, digits and '-', starting with a letter, at most 63 characters", app)}
	}
	return nil
}

func notFound(app string) error { return fmt.Errorf("app %q: %w", app, registry.ErrNotFound) }

// Apps lists the apps with an active version, sorted by name.
func (r *Registry) Apps(ctx context.Context) ([]registry.App, error) {
	rows, err := r.pool.Query(ctx, "SELECT name, active FROM "+r.schema+".apps WHERE active IS NOT NULL ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	var apps []registry.App
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			return nil, err
		}
		apps = append(apps, registry.App{Name: name, Active: versionName(n)})
	}
	return apps, rows.Err()
}

// Versions lists app's versions, oldest first.
func (r *Registry) Versions(ctx context.Context, app string) ([]registry.Version, error) {
	if err := checkName(app); err != nil {
		return nil, err
	}
	rows, err := r.pool.Query(ctx, `SELECT v.n, v.created, v.sha256, v.size, v.n IS NOT DISTINCT FROM a.active
		FROM `+r.schema+`.versions v JOIN `+r.schema+`.apps a ON a.name = v.app
		WHERE v.app = $1 ORDER BY v.n`, app)
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	var vs []registry.Version
	for rows.Next() {
		var v registry.Version
		var n int
		if err := rows.Scan(&n, &v.Created, &v.SHA256, &v.Size, &v.Active); err != nil {
			return nil, err
		}
		v.Name, v.Created = versionName(n), v.Created.UTC()
		vs = append(vs, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, notFound(app)
	}
	return vs, nil
}

// Put checks bundle as registry.Dir does (registry.Unpack, in a staging
// folder of the cache) and stores it as app's next version, not active.
// The version numbers of an app only grow, even past deleted versions.
func (r *Registry) Put(ctx context.Context, app string, bundle io.Reader, maxBytes int64) (registry.Version, error) {
	if err := checkName(app); err != nil {
		return registry.Version{}, err
	}
	staging, err := os.MkdirTemp(filepath.Join(r.cache, stagingDir), app+"-")
	if err != nil {
		return registry.Version{}, err
	}
	defer os.RemoveAll(staging)
	art := filepath.Join(staging, "artifact")
	if err := os.Mkdir(art, 0o755); err != nil {
		return registry.Version{}, err
	}
	var raw bytes.Buffer
	b, err := registry.Unpack(io.TeeReader(bundle, &raw), maxBytes, art, r.appEnv(app))
	if err != nil {
		return registry.Version{}, fmt.Errorf("app %q: %w", app, err)
	}
	v := registry.Version{SHA256: b.SHA256, Size: b.Size}
	err = pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO "+r.schema+".apps (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", app); err != nil {
			return err
		}
		// The update locks the app's row: concurrent uploads get
		// successive numbers.
		var n int
		if err := tx.QueryRow(ctx, "UPDATE "+r.schema+".apps SET next_version = next_version + 1 WHERE name = $1 RETURNING next_version - 1", app).Scan(&n); err != nil {
			return err
		}
		v.Name = versionName(n)
		return tx.QueryRow(ctx, `INSERT INTO `+r.schema+`.versions (app, n, sha256, size, bundle)
			VALUES ($1, $2, $3, $4, $5) RETURNING created`, app, n, b.SHA256, b.Size, raw.Bytes()).Scan(&v.Created)
	})
	if err != nil {
		return registry.Version{}, fmt.Errorf("app %q: storing the bundle: %w", app, err)
	}
	v.Created = v.Created.UTC()
	// The checked folder is this host's checkout of the version.
	r.adopt(app, v.Name, b.SHA256, art)
	return v, nil
}

// Activate makes version the active version of app, and announces it to
// every host (NOTIFY, sent when the transaction commits).
func (r *Registry) Activate(ctx context.Context, app, version string) error {
	if err := checkName(app); err != nil {
		return err
	}
	n, ok := versionNumber(version)
	if !ok {
		return fmt.Errorf("app %q: version %q: %w", app, version, registry.ErrNotFound)
	}
	return pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE `+r.schema+`.apps SET active = $2 WHERE name = $1
			AND EXISTS (SELECT 1 FROM `+r.schema+`.versions WHERE app = $1 AND n = $2)`, app, n)
		if err != nil {
			return fmt.Errorf("app %q: activate %s: %w", app, version, err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("app %q: version %q: %w", app, version, registry.ErrNotFound)
		}
		return r.notify(ctx, tx, app)
	})
}

// notify announces a change of app when tx commits.
func (r *Registry) notify(ctx context.Context, tx pgx.Tx, app string) error {
	_, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", r.channel, app)
	return err
}

// DeleteVersion removes a version of app that is not the active one.
func (r *Registry) DeleteVersion(ctx context.Context, app, version string) error {
	if err := checkName(app); err != nil {
		return err
	}
	n, ok := versionNumber(version)
	if !ok {
		return fmt.Errorf("app %q: version %q: %w", app, version, registry.ErrNotFound)
	}
	var active *int
	err := pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, "SELECT active FROM "+r.schema+".apps WHERE name = $1 FOR UPDATE", app).Scan(&active)
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound(app)
		}
		if err != nil {
			return err
		}
		if active != nil && *active == n {
			return &registry.InvalidError{Reason: fmt.Sprintf("app %q: version %s is active: activate another one before deleting it", app, version)}
		}
		tag, err := tx.Exec(ctx, "DELETE FROM "+r.schema+".versions WHERE app = $1 AND n = $2", app, n)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("app %q: version %q: %w", app, version, registry.ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return err
	}
	r.forget(app, version)
	return nil
}

// Delete removes app: its versions and tokens, and this host's checkouts
// and data folder. Every host is told.
func (r *Registry) Delete(ctx context.Context, app string) error {
	if err := checkName(app); err != nil {
		return err
	}
	err := pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "DELETE FROM "+r.schema+".apps WHERE name = $1", app)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return notFound(app)
		}
		return r.notify(ctx, tx, app)
	})
	if err != nil {
		return err
	}
	r.forget(app, "")
	os.RemoveAll(r.DataDir(app))
	return nil
}

// AddToken makes a deploy token for app (the app's row is made if it has
// none, so a token can be handed out before the first deploy), stores its
// hash and returns it.
func (r *Registry) AddToken(ctx context.Context, app string) (string, error) {
	if err := checkName(app); err != nil {
		return "", err
	}
	token, hash, err := registry.NewToken()
	if err != nil {
		return "", err
	}
	err = pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO "+r.schema+".apps (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", app); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO "+r.schema+".tokens (app, hash) VALUES ($1, $2)", app, hash)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("app %q: token: %w", app, err)
	}
	return token, nil
}

// CheckToken reports whether token is one of app's deploy tokens.
func (r *Registry) CheckToken(ctx context.Context, app, token string) (bool, error) {
	if err := checkName(app); err != nil {
		return false, err
	}
	rows, err := r.pool.Query(ctx, "SELECT hash FROM "+r.schema+".tokens WHERE app = $1", app)
	if err != nil {
		return false, fmt.Errorf("registry: %w", err)
	}
	hashes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return false, err
	}
	return registry.MatchToken(hashes, token), nil
}

// Uploading a version: the bundle bounded and stored by the registry, its
// migrations applied, and only then the version activated.

package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"github.com/gorilla/mux"

	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/internal/httperr"
	"sandkit.dev/sandkit/host/registry"
)

// upload stores the bundle in r's body as a new version of the app and,
// unless ?activate=false, applies its migrations and activates it.
func (h *handler) upload(w http.ResponseWriter, r *http.Request) {
	app := mux.Vars(r)["app"]
	by := who(r).String()
	activate := true
	if s := r.URL.Query().Get("activate"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			httperr.JSON(w, http.StatusBadRequest, "activate is true or false, not "+strconv.Quote(s))
			return
		}
		activate = b
	}
	if r.ContentLength > h.maxBundle {
		h.tooLarge(w, app, by, fmt.Sprintf("the bundle (%d bytes) is larger than this host's max_bundle_bytes (%d bytes)", r.ContentLength, h.maxBundle))
		return
	}
	defer h.lock(app)()
	body := &boundedBody{r: http.MaxBytesReader(w, r.Body, h.maxBundle)}
	v, err := h.reg.Put(r.Context(), app, body, h.maxBundle)
	switch {
	case body.over:
		h.tooLarge(w, app, by, fmt.Sprintf("the bundle is larger than this host's max_bundle_bytes (%d bytes)", h.maxBundle))
		return
	case errors.Is(err, registry.ErrTooLarge): // what it holds, uncompressed
		h.tooLarge(w, app, by, err.Error())
		return
	case err != nil:
		var invalid *registry.InvalidError
		if errors.As(err, &invalid) {
			h.record(app, "", "refused", by)
			h.log.Warn("deploy: bundle refused", "app", app, "by", by, "err", err)
			httperr.JSON(w, http.StatusBadRequest, "bundle refused: "+err.Error())
			return
		}
		h.record(app, "", "failed", by)
		h.fail(w, r, fmt.Errorf("app %q: storing the bundle: %w", app, err))
		return
	}
	w.Header().Set("Location", "/v1/apps/"+app+"/versions/"+v.Name)
	if !activate {
		h.record(app, v.Name, "stored", by)
		h.log.Info("deploy: version stored", "app", app, "version", v.Name, "bytes", v.Size, "sha256", v.SHA256, "by", by, "active", false)
		httperr.WriteJSON(w, http.StatusCreated, Deployed{Version: v, Migrations: []string{}})
		return
	}
	d, err := h.migrateAndActivate(r, app, v)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	httperr.WriteJSON(w, http.StatusCreated, d)
}

// tooLarge answers an upload larger than this host takes, saying why.
func (h *handler) tooLarge(w http.ResponseWriter, app, by, why string) {
	h.record(app, "", "too_large", by)
	h.log.Warn("deploy: bundle too large", "app", app, "by", by, "why", why)
	httperr.JSON(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("app %q: %s", app, why))
}

// migrationError is a migration that failed, answered 422.
type migrationError struct{ err error }

func (e migrationError) Error() string { return e.err.Error() }
func (e migrationError) Unwrap() error { return e.err }

// migrateAndActivate applies the migrations of version v of app to the
// app's database and, if they all succeed, activates v and tells the host.
// A failed migration is rolled back, answered 422 and leaves the active
// version as it was; v stays stored.
//
// It runs to its end once begun: a client that goes away does not leave
// migrations applied to a version that is not activated.
func (h *handler) migrateAndActivate(r *http.Request, app string, v registry.Version) (Deployed, error) {
	ctx := context.WithoutCancel(r.Context())
	by := who(r).String()
	applied, err := h.migrate(ctx, app, v.Name)
	if err != nil {
		if errors.As(err, new(migrationError)) {
			h.record(app, v.Name, "migration_failed", by)
			h.log.Warn("deploy: migration failed, version not activated", "app", app, "version", v.Name, "by", by, "err", err)
		} else {
			h.record(app, v.Name, "failed", by)
		}
		return Deployed{}, err
	}
	if err := h.reg.Activate(ctx, app, v.Name); err != nil {
		h.record(app, v.Name, "failed", by)
		return Deployed{}, fmt.Errorf("app %q: activating %s: %w", app, v.Name, err)
	}
	v.Active = true
	h.record(app, v.Name, "activated", by)
	h.log.Info("deploy: version activated", "app", app, "version", v.Name, "bytes", v.Size, "sha256", v.SHA256,
		"migrations", len(applied), "by", by)
	if h.onActivate != nil {
		h.onActivate(app)
	}
	return Deployed{Version: v, Migrations: nonNil(applied)}, nil
}

// migrate applies the migrations of version of app to the app's database,
// placed as the host places the app, and returns the names applied.
func (h *handler) migrate(ctx context.Context, app, version string) ([]string, error) {
	dir, err := h.reg.Checkout(ctx, app, version)
	if err != nil {
		return nil, fmt.Errorf("app %q: checking out %s: %w", app, version, err)
	}
	if _, err := os.Stat(filepath.Join(dir, appdb.MigrationsDir)); errors.Is(err, fs.ErrNotExist) {
		return nil, nil // as sandkit serve: no migrations/, no database opened
	}
	m, err := host.OpenMigrator(ctx, dir, host.WithTenant(h.place(app)))
	if err != nil {
		return nil, migrationError{fmt.Errorf("version %s: %w", version, err)}
	}
	defer m.Close()
	if st, err := m.Status(ctx); err == nil && len(st) == 0 {
		return nil, nil // an empty migrations/ (bun's Migrate refuses it)
	}
	applied, err := m.Up(ctx)
	if err != nil {
		return nil, migrationError{fmt.Errorf("version %s (stored, not activated): %w", version, err)}
	}
	return applied, nil
}

// boundedBody is an upload's body read through http.MaxBytesReader; over
// records that the bundle was larger than allowed, whatever the registry
// made of the error.
type boundedBody struct {
	r    io.Reader
	over bool
}

func (b *boundedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		b.over = true
	}
	return n, err
}

// The deploy API's endpoints but the upload: listing apps and versions,
// activating (rolling back), deleting, making deploy tokens.

package deploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/gorilla/mux"

	"sandkit.dev/sandkit/host/internal/httperr"
	"sandkit.dev/sandkit/host/registry"
)

// AppList is the answer of GET /v1/apps.
type AppList struct {
	Apps []registry.App `json:"apps"`
}

// VersionList is the answer of GET /v1/apps/NAME/versions.
type VersionList struct {
	Versions []registry.Version `json:"versions"`
}

// Deployed is the answer of an upload (201) and of an activation (200):
// the version, and the migrations applied to the app's database before it
// was activated (none when it was only stored).
type Deployed struct {
	registry.Version
	Migrations []string `json:"migrations"`
}

// ActivateRequest is the body of POST /v1/apps/NAME/activate.
type ActivateRequest struct {
	Version string `json:"version"`
}

// Token is the answer of POST /v1/apps/NAME/tokens.
type Token struct {
	Token string `json:"token"`
}

// maxRequestJSON bounds the JSON body of an activation.
const maxRequestJSON = 4 << 10

func (h *handler) listApps(w http.ResponseWriter, r *http.Request) {
	apps, err := h.reg.Apps(r.Context())
	if err != nil {
		h.fail(w, r, fmt.Errorf("listing apps: %w", err))
		return
	}
	httperr.WriteJSON(w, http.StatusOK, AppList{Apps: nonNil(apps)})
}

func (h *handler) listVersions(w http.ResponseWriter, r *http.Request) {
	app := mux.Vars(r)["app"]
	vs, err := h.reg.Versions(r.Context(), app)
	if err != nil {
		h.fail(w, r, fmt.Errorf("listing versions: %w", err)) // the registry's error names the app
		return
	}
	httperr.WriteJSON(w, http.StatusOK, VersionList{Versions: nonNil(vs)})
}

// activate makes a stored version the active one (a rollback, or the
// activation of a version uploaded with ?activate=false), after applying
// its migrations.
func (h *handler) activate(w http.ResponseWriter, r *http.Request) {
	app := mux.Vars(r)["app"]
	var req ActivateRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil || req.Version == "" {
		httperr.JSON(w, http.StatusBadRequest, `the body is {"version":"v1"}: the version to activate`)
		return
	}
	defer h.lock(app)()
	v, err := h.version(r, app, req.Version)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d, err := h.migrateAndActivate(r, app, v)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	httperr.WriteJSON(w, http.StatusOK, d)
}

// version finds version of app in the registry.
func (h *handler) version(r *http.Request, app, version string) (registry.Version, error) {
	vs, err := h.reg.Versions(r.Context(), app)
	if err != nil {
		return registry.Version{}, err // it names the app
	}
	for _, v := range vs {
		if v.Name == version {
			return v, nil
		}
	}
	return registry.Version{}, fmt.Errorf("app %q: version %q: %w", app, version, registry.ErrNotFound)
}

func (h *handler) deleteVersion(w http.ResponseWriter, r *http.Request) {
	app, version := mux.Vars(r)["app"], mux.Vars(r)["version"]
	defer h.lock(app)()
	v, err := h.version(r, app, version)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Active {
		httperr.JSON(w, http.StatusConflict, fmt.Sprintf("app %q: version %s is active: activate another one before deleting it", app, version))
		return
	}
	if err := h.reg.DeleteVersion(r.Context(), app, version); err != nil {
		h.fail(w, r, fmt.Errorf("app %q: deleting version %s: %w", app, version, err))
		return
	}
	h.log.Info("admin: version deleted", "app", app, "version", version, "by", who(r).String())
	w.WriteHeader(http.StatusNoContent)
}

func (h *handler) deleteApp(w http.ResponseWriter, r *http.Request) {
	app := mux.Vars(r)["app"]
	defer h.lock(app)()
	if err := h.reg.Delete(r.Context(), app); err != nil {
		h.fail(w, r, fmt.Errorf("app %q: deleting: %w", app, err))
		return
	}
	h.log.Info("admin: app deleted", "app", app, "by", who(r).String())
	if h.dropData != nil {
		if err := h.dropData(r.Context(), app); err != nil {
			h.fail(w, r, fmt.Errorf("app %q: deleted from the registry, but its database could not be dropped (drop it by hand): %w", app, err))
			return
		}
		h.log.Info("admin: app data dropped", "app", app)
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *handler) addToken(w http.ResponseWriter, r *http.Request) {
	app := mux.Vars(r)["app"]
	secret, err := h.reg.AddToken(r.Context(), app)
	if err != nil {
		h.fail(w, r, fmt.Errorf("app %q: making a deploy token: %w", app, err))
		return
	}
	h.log.Info("admin: deploy token made", "app", app, "token", tokenID(secret), "by", who(r).String())
	w.Header().Set("Cache-Control", "no-store")
	httperr.WriteJSON(w, http.StatusCreated, Token{Token: DeployToken(app, secret)})
}

// fail answers err: 422 for a version whose migrations fail, 404 for what
// the registry does not hold, 400 for what it refuses (the message says
// why), else 500, logged, with a message that does not show the host's
// internals.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var invalid *registry.InvalidError
	switch {
	case errors.As(err, new(migrationError)):
		httperr.JSON(w, http.StatusUnprocessableEntity, err.Error())
	case errors.Is(err, registry.ErrNotFound):
		httperr.JSON(w, http.StatusNotFound, err.Error())
	case errors.As(err, &invalid):
		httperr.JSON(w, http.StatusBadRequest, err.Error())
	default:
		h.log.Error("admin: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		httperr.JSON(w, http.StatusInternalServerError, "internal error (the host's log has it)")
	}
}

// nonNil makes an empty list [] rather than null in JSON.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

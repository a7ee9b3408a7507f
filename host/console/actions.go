// The console's browser actions: logging in with the operator token,
// logging out, and rolling a tenant back — each a form post checked for
// its Origin, the rollback also for a session.

package console

import (
	"errors"
	"net/http"
	"strings"

	"sandkit.dev/sandkit/host/internal/httperr"
	"sandkit.dev/sandkit/host/registry"
)

// maxForm bounds an action's form body.
const maxForm = 4 << 10

// page admits a browser with a session to render; others get the login
// form (401).
func (h *handler) page(render func(http.ResponseWriter, *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !h.sess.valid(r) {
			h.loginForm(w, http.StatusUnauthorized, "")
			return
		}
		render(w, r)
	}
}

func (h *handler) login(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		httperr.JSON(w, http.StatusForbidden, "a console form must be posted from the console's own page (Origin)")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if !h.sess.isOperator(r.PostFormValue("token")) {
		h.Log.Warn("console: login refused", "remote", r.RemoteAddr)
		h.loginForm(w, http.StatusUnauthorized, "That is not the operator token.")
		return
	}
	h.sess.start(w, r)
	h.Log.Info("console: operator logged in", "remote", r.RemoteAddr)
	http.Redirect(w, r, "/console", http.StatusSeeOther)
}

func (h *handler) logout(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		httperr.JSON(w, http.StatusForbidden, "a console form must be posted from the console's own page (Origin)")
		return
	}
	h.sess.end(w, r)
	http.Redirect(w, r, "/console", http.StatusSeeOther)
}

// rollback activates the version the form names (any stored version: a
// rollback, or a version uploaded without activating it).
func (h *handler) rollback(w http.ResponseWriter, r *http.Request) {
	if !h.sess.valid(r) {
		httperr.JSON(w, http.StatusUnauthorized, "log in at /console first")
		return
	}
	if !sameOrigin(r) {
		httperr.JSON(w, http.StatusForbidden, "a console form must be posted from the console's own page (Origin)")
		return
	}
	app := r.PathValue("app")
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	version := strings.TrimSpace(r.PostFormValue("version"))
	if !registry.NameRE.MatchString(app) || version == "" {
		httperr.JSON(w, http.StatusBadRequest, "the form needs the version to activate")
		return
	}
	if err := h.Activate(r.Context(), app, version); err != nil {
		if errors.Is(err, registry.ErrNotFound) {
			httperr.JSON(w, http.StatusNotFound, err.Error())
			return
		}
		h.Log.Warn("console: rollback failed", "app", app, "version", version, "err", err)
		h.tenantPageMsg(w, r, http.StatusUnprocessableEntity, "Activating "+version+" failed: "+err.Error())
		return
	}
	h.Log.Info("console: version activated", "app", app, "version", version, "by", "operator (console)")
	http.Redirect(w, r, "/console/tenants/"+app, http.StatusSeeOther)
}

// bearer is the token of r's Authorization header.
func bearer(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	return token, ok && strings.EqualFold(scheme, "Bearer") && token != ""
}

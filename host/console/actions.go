// The console's browser actions: logging in with the operator token and
// logging out, form posts checked for their Origin; the session gate of
// the pages.

package console

import (
	"net/http"
	"strings"

	"sandkit.dev/sandkit/host/internal/httperr"
)

// maxForm bounds an action's form body.
const maxForm = 4 << 10

// page admits a browser with a session to the page; others get the login
// form (401), or the JSON error shape when they ask for JSON.
func (h *handler) page(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !h.sess.valid(r) {
			if r.Method != http.MethodGet && r.Method != http.MethodHead || strings.Contains(r.Header.Get("Accept"), "application/json") {
				httperr.JSON(w, http.StatusUnauthorized, "log in at /console first")
				return
			}
			h.loginForm(w, http.StatusUnauthorized, "")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (h *handler) login(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		httperr.JSON(w, http.StatusForbidden, "a console form must be posted from the console's own page (Origin)")
		return
	}
	if ok, wait := h.logins.allow(r); !ok {
		h.Log.Warn("console: login rate-limited", "remote", r.RemoteAddr)
		w.Header().Set("Retry-After", retryAfter(wait))
		h.loginForm(w, http.StatusTooManyRequests, "Too many login attempts from your address: try again in "+retryAfter(wait)+" s.")
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

// bearer is the token of r's Authorization header.
func bearer(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	return token, ok && strings.EqualFold(scheme, "Bearer") && token != ""
}

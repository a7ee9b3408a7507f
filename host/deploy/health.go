// Health and readiness: /healthz answers while the process serves,
// /readyz once the host says it is ready (it has read the registry).

package deploy

import (
	"net/http"

	"sandkit.dev/sandkit/host/internal/httperr"
)

func (h *handler) healthz(w http.ResponseWriter, r *http.Request) {
	writeText(w, r, "ok\n")
}

func (h *handler) readyz(w http.ResponseWriter, r *http.Request) {
	if h.ready != nil {
		if err := h.ready(); err != nil {
			w.Header().Set("Cache-Control", "no-store")
			httperr.JSON(w, http.StatusServiceUnavailable, "not ready: "+err.Error())
			return
		}
	}
	writeText(w, r, "ready\n")
}

// writeText answers 200 with a short plain-text body (none to HEAD).
func writeText(w http.ResponseWriter, r *http.Request, s string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write([]byte(s))
	}
}

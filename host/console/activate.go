// Rollback through the deploy API: the console's Activate made from the
// admin handler itself, so that a rollback from the console takes the same
// path as POST /v1/apps/NAME/activate (one change of an app at a time,
// migrations first, logged, counted, the host told).

package console

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"sandkit.dev/sandkit/host/deploy"
	"sandkit.dev/sandkit/host/internal/httperr"
	"sandkit.dev/sandkit/host/registry"
)

// ActivateVia returns an Activate that calls admin, the deploy API's
// handler (deploy.New), with the operator token. A version admin does not
// know is an error wrapping registry.ErrNotFound; any other refusal an
// error carrying admin's message.
func ActivateVia(admin http.Handler, operatorToken string) func(ctx context.Context, app, version string) error {
	return func(ctx context.Context, app, version string) error {
		body, _ := json.Marshal(deploy.ActivateRequest{Version: version})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, "/v1/apps/"+app+"/activate", bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("app %q: activating %s: %w", app, version, err)
		}
		req.Header.Set("Authorization", "Bearer "+operatorToken)
		req.Header.Set("Content-Type", "application/json")
		rec := &answer{header: http.Header{}}
		admin.ServeHTTP(rec, req)
		if rec.status == http.StatusOK {
			return nil
		}
		var e httperr.Body
		json.Unmarshal(rec.body.Bytes(), &e)
		if rec.status == http.StatusNotFound {
			return fmt.Errorf("%s: %w", e.Error.Message, registry.ErrNotFound)
		}
		return fmt.Errorf("app %q: activating %s: %d %s", app, version, rec.status, e.Error.Message)
	}
}

// answer keeps what the admin handler answers (its JSON is small).
type answer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (a *answer) Header() http.Header { return a.header }

func (a *answer) WriteHeader(code int) {
	if a.status == 0 {
		a.status = code
	}
}

func (a *answer) Write(p []byte) (int, error) {
	a.WriteHeader(http.StatusOK)
	if a.body.Len() > 64<<10 {
		return len(p), nil // an error message is shorter; the rest is dropped
	}
	return a.body.Write(p)
}

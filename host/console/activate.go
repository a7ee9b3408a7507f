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
	"net/http/httptest"

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
		rec := httptest.NewRecorder()
		admin.ServeHTTP(rec, req)
		if rec.Code == http.StatusOK {
			return nil
		}
		var e httperr.Body
		json.Unmarshal(rec.Body.Bytes(), &e)
		if rec.Code == http.StatusNotFound {
			return fmt.Errorf("%s: %w", e.Error.Message, registry.ErrNotFound)
		}
		return fmt.Errorf("app %q: activating %s: %d %s", app, version, rec.Code, e.Error.Message)
	}
}

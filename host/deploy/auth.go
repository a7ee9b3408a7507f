// Who may call the API: the operator token, compared by hash in constant
// time, and each app's deploy tokens, checked by the registry.

package deploy

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"sandkit.dev/sandkit/host/internal/httperr"
	"sandkit.dev/sandkit/host/registry"
)

// role is who an endpoint admits.
type role int

const (
	operatorOnly  role = iota // the operator token
	operatorOrApp             // the operator token or the app's deploy token
)

// caller is who made a request, for the logs.
type caller struct {
	operator bool
	tokenID  string // a deploy token's id: the start of its SHA-256 (as the registry stores it)
}

func (c caller) String() string {
	if c.operator {
		return "operator"
	}
	return "token:" + c.tokenID
}

type callerKey struct{}

// who is the caller auth admitted for r.
func who(r *http.Request) caller {
	c, _ := r.Context().Value(callerKey{}).(caller)
	return c
}

// tokenSep separates the app's name from the secret in a deploy token as
// the API hands it out ("blog.3f9a…"), so that a token presented for
// another app is recognised (403) without trying every app's tokens.
const tokenSep = "."

// DeployToken is the deploy token the API shows for secret, a token the
// registry made for app: "APP.SECRET".
func DeployToken(app, secret string) string { return app + tokenSep + secret }

// splitToken returns the app a deploy token names and its secret; app is
// empty for a token without a valid name before the separator (one made
// by the registry directly), which is then tried for the app of the
// request only.
func splitToken(token string) (app, secret string) {
	if a, s, ok := strings.Cut(token, tokenSep); ok && registry.NameRE.MatchString(a) && s != "" {
		return a, s
	}
	return "", token
}

// auth admits the callers role allows to next: no token or a wrong one is
// answered 401, a deploy token of another app 403, an app's token on an
// operator endpoint 403; next never runs for them.
func (h *handler) auth(allow role, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearer(r)
		if !ok {
			h.refuse(w, r, http.StatusUnauthorized, `Bearer realm="sandkit admin"`, "this endpoint needs an Authorization: Bearer TOKEN header (the operator token, or the app's deploy token)")
			return
		}
		if h.isOperator(token) {
			next(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, caller{operator: true})))
			return
		}
		app := mux.Vars(r)["app"]
		named, secret := splitToken(token)
		if named == "" {
			named = app
		}
		valid := false
		if named != "" {
			var err error
			valid, err = h.reg.CheckToken(r.Context(), named, secret)
			if err != nil && !errors.Is(err, registry.ErrNotFound) {
				h.fail(w, r, fmt.Errorf("app %q: checking a deploy token: %w", named, err))
				return
			}
		}
		switch {
		case !valid:
			h.refuse(w, r, http.StatusUnauthorized, `Bearer realm="sandkit admin", error="invalid_token"`, "the token is neither the operator token nor a deploy token of this app")
		case allow == operatorOnly:
			h.refuse(w, r, http.StatusForbidden, "", "a deploy token may upload, activate and list the versions of its own app only: this needs the operator token")
		case named != app:
			h.refuse(w, r, http.StatusForbidden, "", fmt.Sprintf("this deploy token is app %q's, not %q's", named, app))
		default:
			c := caller{tokenID: tokenID(secret)}
			next(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, c)))
		}
	})
}

// bearer is the token of r's Authorization header.
func bearer(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

// isOperator compares token with the operator token by their SHA-256, in
// time that does not depend on where they differ.
func (h *handler) isOperator(token string) bool {
	if h.operator == nil {
		return false
	}
	sum := sha256.Sum256([]byte(token))
	return subtle.ConstantTimeCompare(sum[:], h.operator[:]) == 1
}

// tokenID names a deploy token in the logs without revealing it: the
// first 12 hex digits of its SHA-256, the start of its line in the app's
// tokens file.
func tokenID(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:6])
}

// refuse answers a request auth does not admit, and logs it.
func (h *handler) refuse(w http.ResponseWriter, r *http.Request, status int, challenge, msg string) {
	if challenge != "" {
		w.Header().Set("WWW-Authenticate", challenge)
	}
	h.log.Warn("admin: request refused", "method", r.Method, "path", r.URL.Path, "status", status, "remote", r.RemoteAddr)
	httperr.JSON(w, status, msg)
}

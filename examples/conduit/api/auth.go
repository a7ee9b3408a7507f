package api

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

// tokenLifetime is how long a token from register or login is valid.
const tokenLifetime = 30 * 24 * time.Hour

// devKey is the key sandkit.development.toml gives JWT_SECRET when
// CONDUIT_JWT_SECRET is unset.
const devKey = "conduit-development-key-not-a-secret"

// secret is the HMAC key tokens are signed with: the [env] setting
// JWT_SECRET (sandkit.toml reads it from $CONDUIT_JWT_SECRET).
var secret = sync.OnceValues(func() ([]byte, error) {
	s, ok := sandkit.Env("JWT_SECRET")
	if !ok || len(s) < 32 {
		return nil, errors.New("the setting env.JWT_SECRET must be at least 32 bytes (set CONDUIT_JWT_SECRET)")
	}
	if s == devKey {
		// The development environment is sandkit's default: say so where
		// an operator who forgot SANDKIT_ENV=production will see it.
		sandkit.Warnf("tokens are signed with the development key, which anyone can read in sandkit.development.toml: set SANDKIT_ENV=production and CONDUIT_JWT_SECRET")
	}
	return []byte(s), nil
})

// newToken signs a token for the user id.
func newToken(id int64) (string, error) {
	key, err := secret()
	if err != nil {
		return "", err
	}
	t := now()
	return jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Subject:   strconv.FormatInt(id, 10),
		IssuedAt:  jwt.NewNumericDate(t),
		ExpiresAt: jwt.NewNumericDate(t.Add(tokenLifetime)),
	}).SignedString(key)
}

var parser = jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired())

// Viewer is who sent a request: a user, or nobody (ID 0).
type Viewer struct {
	ID    int64
	Token string
}

// viewer reads the Authorization: Token <jwt> header. ok is false, and
// resp the 401 or 500 to answer, when the header is there but not a valid
// token of an existing user; without the header the viewer is nobody.
func viewer(r *sandkit.Request) (v Viewer, resp sandkit.Response, ok bool) {
	h := r.Header("Authorization")
	if h == "" {
		return Viewer{}, sandkit.Response{}, true
	}
	scheme, tok, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Token") || tok == "" {
		return v, unauthorized("the Authorization header must be \"Token <jwt>\""), false
	}
	key, err := secret()
	if err != nil {
		return v, Internal(r, err), false
	}
	var claims jwt.RegisteredClaims
	if _, err := parser.ParseWithClaims(tok, &claims, func(*jwt.Token) (any, error) { return key, nil }); err != nil {
		return v, unauthorized("invalid token: " + strings.TrimPrefix(err.Error(), "token is ")), false
	}
	id, err := strconv.ParseInt(claims.Subject, 10, 64)
	if err != nil {
		return v, unauthorized("invalid token: no user"), false
	}
	rows, err := db.Query("SELECT 1 FROM users WHERE id = ?", id)
	if err != nil {
		return v, Internal(r, err), false
	}
	if rows.Len() == 0 {
		return v, unauthorized("invalid token: the user no longer exists"), false
	}
	return Viewer{ID: id, Token: tok}, sandkit.Response{}, true
}

// Optional runs h with the request's viewer, nobody if it sent no token
// (a token that is there must be valid).
func Optional(r *sandkit.Request, h func(Viewer) sandkit.Response) sandkit.Response {
	v, resp, ok := viewer(r)
	if !ok {
		return resp
	}
	return h(v)
}

// Required runs h with the request's user; without a token it answers 401.
func Required(r *sandkit.Request, h func(Viewer) sandkit.Response) sandkit.Response {
	v, resp, ok := viewer(r)
	if !ok {
		return resp
	}
	if v.ID == 0 {
		return unauthorized("this needs an Authorization: Token <jwt> header (from POST /api/users/login)")
	}
	return h(v)
}

func unauthorized(msg string) sandkit.Response {
	return Fail(401, msg).WithHeader("WWW-Authenticate", "Token")
}

// hashPassword hashes a new password with the host's argon2id
// (auth.HashPassword). Accounts made before, whose hashes are bcrypt's,
// still sign in: auth.CheckPassword verifies both.
func hashPassword(p string) (string, error) {
	if err := checkPassword(p); err != nil {
		return "", err
	}
	return auth.HashPassword(p)
}

// checkPassword refuses passwords that are too short or too long to hash.
func checkPassword(p string) error {
	switch {
	case len(p) < 8:
		return invalid("password is too short (at least 8 characters)")
	case len(p) > auth.MaxPasswordBytes:
		return invalid("password is too long (at most 1024 bytes)")
	}
	return nil
}

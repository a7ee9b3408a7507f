// Sessions: server-side state kept in the app's database, found by a
// random id carried in a signed cookie.

package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"time"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

// Cookie names and lifetimes (spec/abi.md §10).
const (
	// SessionCookie holds the session id, signed: id "." HMAC.
	SessionCookie = "sandkit_session"
	// FlashCookie holds a flash message, signed, until it is read.
	FlashCookie = "sandkit_flash"
	// MaxAge is how long a session lasts without a request that uses it.
	MaxAge = 14 * 24 * time.Hour
	// maxFlash bounds a flash message, so it fits in a cookie.
	maxFlash = 1024
)

// Purposes of the signatures (spec/abi.md §10.1).
const (
	purposeSession = "sandkit.session"
	purposeFlash   = "sandkit.flash"
)

// Session is the state of one visitor across requests: the id of the user
// who logged in, string values, and a flash message. Load it at the start
// of a handler with [Load] and pass the handler's answer through
// [Session.Save], which writes what changed and sets the cookies; or let
// [WithSession] and [LoginRequired] do both.
type Session struct {
	id        string // the id from the cookie; "" for none
	userID    string
	data      map[string]string
	expires   time.Time
	rotate    bool // a new id at Save (Login)
	destroy   bool // delete the row at Save (Logout)
	dirty     bool // user or data changed
	badCookie bool // the request's cookie is to be cleared

	flashIn   string
	flashSeen bool // a flash cookie came in and was read or is to go
	flashOut  string
}

// Load reads the request's session. For a request with an unsafe method it
// first applies [CheckOrigin]: a cross-site POST gets [ErrCrossSite]. A
// request without a session cookie, or with one that is expired, unknown
// or not signed with the app's key (tampered), gets an empty session. The
// app must have a secret key ([ErrNoSecretKey]). Answer an error with
// [ErrorResponse].
//
// The session is loaded once per request: a second Load of the same
// request (a handler under [Required], which loaded it already) returns
// the same *Session, and saving it twice writes nothing twice.
func Load(r *sandkit.Request) (*Session, error) {
	if s, ok := r.Value(sessionKey{}).(*Session); ok {
		return s, nil
	}
	s, err := load(r)
	if err == nil {
		r.SetValue(sessionKey{}, s)
	}
	return s, err
}

// sessionKey is the request value under which Load keeps the session.
type sessionKey struct{}

func load(r *sandkit.Request) (*Session, error) {
	if err := CheckOrigin(r); err != nil {
		return nil, err
	}
	if _, err := secretKey(); err != nil {
		return nil, err
	}
	s := &Session{data: map[string]string{}}
	if v, ok := r.Cookie(FlashCookie); ok {
		s.flashSeen = true
		if enc, valid, _ := Verify(purposeFlash, v); valid {
			if b, err := base64.RawURLEncoding.DecodeString(enc); err == nil {
				s.flashIn = string(b)
			}
		}
	}
	v, ok := r.Cookie(SessionCookie)
	if !ok {
		return s, nil
	}
	id, valid, _ := Verify(purposeSession, v)
	if !valid || id == "" {
		s.badCookie = true
		return s, nil
	}
	if err := ensureSchema(); err != nil {
		return nil, err
	}
	rows, err := db.Query("SELECT user_id, data, expires_at FROM auth_sessions WHERE id = ?", hashID(id))
	if err != nil {
		return nil, err
	}
	if !rows.Next() {
		s.badCookie = true // deleted (logged out elsewhere) or swept
		return s, nil
	}
	var data string
	var expires int64
	if err := rows.Scan(&s.userID, &data, &expires); err != nil {
		return nil, err
	}
	s.expires = time.Unix(expires, 0)
	if !s.expires.After(time.Now()) {
		s.userID = ""
		s.badCookie = true
		s.destroy = true
		s.id = id
		return s, nil
	}
	if err := json.Unmarshal([]byte(data), &s.data); err != nil {
		s.data = map[string]string{}
	}
	s.id = id
	return s, nil
}

// UserID returns the id of the user who logged in, or "".
func (s *Session) UserID() string { return s.userID }

// Login makes userID the session's user and gives the session a new id
// at Save (the old one is deleted), so an id planted in a browser before
// the login (session fixation) is worth nothing after it.
func (s *Session) Login(userID string) {
	s.userID = userID
	s.rotate = true
	s.dirty = true
}

// Logout ends the session: Save deletes it from the database and the
// cookie from the browser. A flash set after Logout still reaches the
// browser.
func (s *Session) Logout() {
	s.userID = ""
	s.data = map[string]string{}
	s.destroy = true
	s.dirty = false
}

// Get returns the session's value for key, or "".
func (s *Session) Get(key string) string { return s.data[key] }

// Set stores value under key in the session.
func (s *Session) Set(key, value string) {
	s.data[key] = value
	s.dirty = true
}

// Delete removes key from the session.
func (s *Session) Delete(key string) {
	if _, ok := s.data[key]; ok {
		delete(s.data, key)
		s.dirty = true
	}
}

// Flash returns the flash message the previous answer set, or "", and
// marks it read: Save removes it, so it is shown once.
func (s *Session) Flash() string {
	msg := s.flashIn
	s.flashIn = ""
	return msg
}

// SetFlash sets a message for the next page the browser shows (after a
// redirect, say), kept in a signed cookie until it is read. It is cut to
// 1 KiB.
func (s *Session) SetFlash(msg string) {
	if len(msg) > maxFlash {
		msg = msg[:maxFlash]
	}
	s.flashOut = msg
}

// Save writes the session's changes to the database and returns resp with
// the cookies that carry them. On failure it logs the cause and returns a
// 500 instead of resp.
func (s *Session) Save(resp sandkit.Response) sandkit.Response {
	resp, err := s.save(resp)
	if err != nil {
		return ErrorResponse(err)
	}
	return resp
}

func (s *Session) save(resp sandkit.Response) (sandkit.Response, error) {
	now := time.Now()
	if (s.destroy || s.rotate) && s.id != "" {
		if err := ensureSchema(); err != nil {
			return resp, err
		}
		if _, err := db.Exec("DELETE FROM auth_sessions WHERE id = ?", hashID(s.id)); err != nil {
			return resp, err
		}
		s.id = ""
		s.badCookie = true // cleared below unless a new id replaces it
	}
	s.destroy, s.rotate = false, false
	// A session is written when it changed, and refreshed at most once a
	// day otherwise, so its expiry slides with use.
	refresh := s.id != "" && s.expires.Sub(now) < MaxAge-24*time.Hour
	if s.dirty || refresh {
		if err := ensureSchema(); err != nil {
			return resp, err
		}
		data, err := json.Marshal(s.data)
		if err != nil {
			return resp, err
		}
		expires := now.Add(MaxAge)
		if s.id == "" {
			id, err := newID()
			if err != nil {
				return resp, err
			}
			if _, err := db.Exec("INSERT INTO auth_sessions (id, user_id, data, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
				hashID(id), s.userID, string(data), now.Unix(), expires.Unix()); err != nil {
				return resp, err
			}
			s.id = id
		} else if _, err := db.Exec("UPDATE auth_sessions SET user_id = ?, data = ?, expires_at = ? WHERE id = ?",
			s.userID, string(data), expires.Unix(), hashID(s.id)); err != nil {
			return resp, err
		}
		signed, err := Sign(purposeSession, s.id)
		if err != nil {
			return resp, err
		}
		resp = resp.WithCookie(sandkit.NewCookie(SessionCookie, signed).WithMaxAge(MaxAge))
		s.badCookie = false
		s.dirty = false
		s.expires = expires
		if s.userID != "" {
			// Sweep expired sessions now and then: at each login.
			db.Exec("DELETE FROM auth_sessions WHERE expires_at < ?", now.Unix())
		}
	}
	if s.badCookie {
		resp = resp.WithoutCookie(SessionCookie)
		s.badCookie = false
	}
	switch {
	case s.flashOut != "":
		signed, err := Sign(purposeFlash, base64.RawURLEncoding.EncodeToString([]byte(s.flashOut)))
		if err != nil {
			return resp, err
		}
		resp = resp.WithCookie(sandkit.NewCookie(FlashCookie, signed))
		s.flashOut = ""
	case s.flashSeen && s.flashIn == "":
		resp = resp.WithoutCookie(FlashCookie)
	}
	s.flashSeen = false
	return resp, nil
}

// newID returns a new random session id: 32 bytes, base64url.
func newID() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// hashID is what the database keeps of a session id: its SHA-256 in hex,
// so a copy of the table does not give the ids that log in.
func hashID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// ErrorResponse answers an error of this package: 403 for [ErrCrossSite]
// (in the host's error shape, spec/routing.md §7), and for anything else
// a 500 whose cause is logged ([ErrNoSecretKey] names the setting to set).
func ErrorResponse(err error) sandkit.Response {
	if errors.Is(err, ErrCrossSite) {
		return sandkit.RawJSON(403, []byte(`{"error":{"status":403,"message":"cross-site request refused: this form can be posted only from the app's own pages"}}`))
	}
	sandkit.Log(sandkit.LevelError, "sandkit auth: "+strings.TrimPrefix(err.Error(), "sandkit auth: "))
	return sandkit.RawJSON(500, []byte(`{"error":{"status":500,"message":"internal error"}}`))
}

// LoginPath is where [LoginRequired] sends a visitor who has not logged in.
const LoginPath = "/login"

// WithSession wraps a handler that uses the session: it loads it (so an
// unsafe cross-site request is refused with 403 before h runs), calls h,
// and saves it with h's answer.
func WithSession(h func(*sandkit.Request, *Session) sandkit.Response) sandkit.HandlerFunc {
	return func(r *sandkit.Request) sandkit.Response {
		s, err := Load(r)
		if err != nil {
			return ErrorResponse(err)
		}
		return s.Save(h(r, s))
	}
}

// LoginRequired is [WithSession] for a handler only users who logged in
// may use: anyone else is sent to [LoginPath] with the page they asked
// for as next ([RedirectToLogin]).
func LoginRequired(h func(*sandkit.Request, *Session) sandkit.Response) sandkit.HandlerFunc {
	return WithSession(func(r *sandkit.Request, s *Session) sandkit.Response {
		if s.UserID() == "" {
			return RedirectToLogin(r, LoginPath)
		}
		return h(r, s)
	})
}

// Required is a middleware (func Middleware in a folder's middleware.go,
// spec/routing.md §8) that lets through only users who logged in: anyone
// else is sent to [LoginPath] with the page they asked for as next, as by
// [LoginRequired]. The handlers it wraps load the same session with
// [Load] or [WithSession] (it is loaded once), and it saves the session
// with their answer:
//
//	// routes/account/middleware.go
//	func Middleware(next sandkit.HandlerFunc) sandkit.HandlerFunc { return auth.Required(next) }
func Required(next sandkit.HandlerFunc) sandkit.HandlerFunc {
	return WithSession(func(r *sandkit.Request, s *Session) sandkit.Response {
		if s.UserID() == "" {
			return RedirectToLogin(r, LoginPath)
		}
		return next(r)
	})
}

// RedirectToLogin answers 303 See Other to loginPath?next=PATH, PATH being
// the request's path and query (without the _data parameter client
// navigation adds): the login handler sends the user back there with
// [SafeNext] once logged in.
func RedirectToLogin(r *sandkit.Request, loginPath string) sandkit.Response {
	next := r.Path()
	q := r.Query()
	if len(q) > 0 {
		q2 := url.Values{}
		for k, v := range q {
			if k != "_data" {
				q2[k] = v
			}
		}
		if enc := q2.Encode(); enc != "" {
			next += "?" + enc
		}
	}
	return sandkit.Redirect(303, loginPath+"?next="+url.QueryEscape(SafeNext(next)))
}

// CurrentUser returns the session's user, loaded with load (the app's own
// query: a user id → its user), and false if nobody is logged in.
func CurrentUser[U any](s *Session, load func(id string) (U, error)) (U, bool, error) {
	var zero U
	if s.UserID() == "" {
		return zero, false, nil
	}
	u, err := load(s.UserID())
	if err != nil {
		return zero, false, err
	}
	return u, true, nil
}

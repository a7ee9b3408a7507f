// Sessions: the console's browser login — the operator token exchanged
// for a random session id in an HttpOnly, SameSite=Strict cookie, kept in
// a bounded server-side map until it expires.

package console

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// CookieName is the console's session cookie.
const CookieName = "sandkit_console"

// Session bounds: how long a login lasts and how many are kept at once
// (past it the one expiring soonest is dropped).
const (
	SessionTTL  = 12 * time.Hour
	maxSessions = 1000
)

// sessions is the server-side map of live session ids.
type sessions struct {
	operator *[sha256.Size]byte // nil: no operator token, no login
	now      func() time.Time

	mu  sync.Mutex
	ids map[string]time.Time // session id → expiry
}

func newSessions(token string) *sessions {
	s := &sessions{ids: map[string]time.Time{}, now: time.Now}
	if token != "" {
		h := sha256.Sum256([]byte(token))
		s.operator = &h
	}
	return s
}

// isOperator compares token with the operator token by their SHA-256, in
// time that does not depend on where they differ.
func (s *sessions) isOperator(token string) bool {
	if s.operator == nil || token == "" {
		return false
	}
	sum := sha256.Sum256([]byte(token))
	return subtle.ConstantTimeCompare(sum[:], s.operator[:]) == 1
}

// start makes a new session and sets its cookie on w.
func (s *sessions) start(w http.ResponseWriter, r *http.Request) {
	var b [32]byte
	rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	now := s.now()
	s.mu.Lock()
	for k, exp := range s.ids {
		if !now.Before(exp) {
			delete(s.ids, k)
		}
	}
	if len(s.ids) >= maxSessions {
		var oldest string
		for k, exp := range s.ids {
			if oldest == "" || exp.Before(s.ids[oldest]) {
				oldest = k
			}
		}
		delete(s.ids, oldest)
	}
	s.ids[id] = now.Add(SessionTTL)
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: id, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: !loopback(r), MaxAge: int(SessionTTL / time.Second)})
}

// valid reports whether r carries a live session's cookie.
func (s *sessions) valid(r *http.Request) bool {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.ids[c.Value]
	if ok && !s.now().Before(exp) {
		delete(s.ids, c.Value)
		return false
	}
	return ok
}

// end forgets r's session and clears its cookie.
func (s *sessions) end(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(CookieName); err == nil {
		s.mu.Lock()
		delete(s.ids, c.Value)
		s.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: !loopback(r), MaxAge: -1})
}

// sameOrigin reports whether r, a form post, comes from a page of this
// listener: its Origin header names r's own host. The scheme is not
// compared, so that a console behind a TLS-terminating proxy works. A
// post without an Origin is refused (browsers send it with every POST).
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" || o == "null" {
		return false
	}
	u, err := url.Parse(o)
	if err != nil {
		return false
	}
	return (u.Scheme == "http" || u.Scheme == "https") && u.Path == "" && strings.EqualFold(u.Host, r.Host)
}

// loopback reports whether r was made on this machine to a loopback
// address, over plain HTTP: only then may the cookie go without Secure
// (a console opened at http://127.0.0.1:PORT). A request a local proxy
// forwards names the public host, and gets a Secure cookie.
func loopback(r *http.Request) bool {
	if r.TLS != nil {
		return false
	}
	isLoopback := func(hostport string) bool {
		host, _, err := net.SplitHostPort(hostport)
		if err != nil {
			host = hostport
		}
		if host == "localhost" || strings.HasSuffix(host, ".localhost") {
			return true
		}
		ip := net.ParseIP(strings.Trim(host, "[]"))
		return ip != nil && ip.IsLoopback()
	}
	return isLoopback(r.RemoteAddr) && isLoopback(r.Host)
}

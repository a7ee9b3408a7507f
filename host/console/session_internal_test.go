package console

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// A session expires after SessionTTL, and at most maxSessions live at
// once: a new login past that drops the one expiring soonest.
func TestSessionExpiryAndCap(t *testing.T) {
	now := time.Unix(1e9, 0)
	s := newSessions("tok")
	s.now = func() time.Time { return now }
	login := func() *http.Cookie {
		rec := httptest.NewRecorder()
		s.start(rec, httptest.NewRequest("POST", "http://127.0.0.1/console/login", nil))
		return rec.Result().Cookies()[0]
	}
	with := func(c *http.Cookie) *http.Request {
		r := httptest.NewRequest("GET", "/console", nil)
		r.AddCookie(c)
		return r
	}
	first := login()
	if !s.valid(with(first)) {
		t.Fatal("a new session is not valid")
	}
	now = now.Add(SessionTTL)
	if s.valid(with(first)) {
		t.Fatal("a session is valid after SessionTTL")
	}
	oldest := login()
	for range maxSessions - 1 {
		now = now.Add(time.Millisecond)
		login()
	}
	if !s.valid(with(oldest)) {
		t.Fatal("the oldest session is dropped before the cap")
	}
	login()
	if s.valid(with(oldest)) {
		t.Fatal("past the cap the oldest session is kept")
	}
	if n := len(s.ids); n != maxSessions {
		t.Fatalf("%d sessions kept, want %d", n, maxSessions)
	}
}

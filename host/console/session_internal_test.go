package console

import (
	"fmt"
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

// The login limiter: a burst per address, then one attempt per interval;
// addresses are independent (an IPv6 /64 is one); at most maxLoginClients
// are remembered.
func TestLoginLimiter(t *testing.T) {
	now := time.Unix(1e9, 0)
	l := newLoginLimiter()
	l.now = func() time.Time { return now }
	from := func(addr string) *http.Request {
		r := httptest.NewRequest("POST", "/console/login", nil)
		r.RemoteAddr = addr
		return r
	}
	for i := range LoginBurst {
		if ok, _ := l.allow(from("192.0.2.1:1000")); !ok {
			t.Fatalf("attempt %d refused within the burst", i+1)
		}
	}
	ok, wait := l.allow(from("192.0.2.1:2000")) // another port, the same client
	if ok || wait <= 0 || wait > LoginInterval {
		t.Fatalf("past the burst: ok %v, wait %v", ok, wait)
	}
	if ok, _ := l.allow(from("192.0.2.2:1000")); !ok {
		t.Fatal("another address is limited by the first's attempts")
	}
	now = now.Add(LoginInterval)
	if ok, _ := l.allow(from("192.0.2.1:1000")); !ok {
		t.Fatal("no attempt after an interval")
	}
	if ok, _ := l.allow(from("192.0.2.1:1000")); ok {
		t.Fatal("two attempts after one interval")
	}
	// One IPv6 /64 is one client.
	for i := range LoginBurst {
		l.allow(from(fmt.Sprintf("[2001:db8::%x]:1", i+1)))
	}
	if ok, _ := l.allow(from("[2001:db8::ffff]:1")); ok {
		t.Fatal("addresses of one /64 are limited apart")
	}
	// Bounded memory: many addresses, at most maxLoginClients kept.
	for i := range 3 * maxLoginClients {
		l.allow(from(fmt.Sprintf("10.%d.%d.%d:1", i>>16&255, i>>8&255, i&255)))
		if len(l.clients) > maxLoginClients {
			t.Fatalf("%d clients remembered, bound %d", len(l.clients), maxLoginClients)
		}
	}
}

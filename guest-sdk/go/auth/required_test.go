package auth_test

import (
	"context"
	"strings"
	"testing"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
	"sandkit.dev/sandkit/guest-sdk/go/db"
	"sandkit.dev/sandkit/guest-sdk/go/sandkittest"
	"sandkit.dev/sandkit/host/dbtest"
)

// setCookies lists the names of the cookies resp sets, in order.
func setCookies(resp sandkit.Response) []string {
	var names []string
	for name, value := range resp.Headers() {
		if name == "Set-Cookie" {
			n, _, _ := strings.Cut(value, "=")
			names = append(names, n)
		}
	}
	return names
}

// auth.Required as a folder's middleware: a visitor goes to the login page
// and the handler never runs; a user gets through, and the handler's
// WithSession and Load get the session Required loaded, saved once.
func TestRequiredMiddleware(t *testing.T) {
	t.Setenv("SANDKIT_SECRET_KEY", "test-key-0123456789abcdef0123456789")
	tdb, err := dbtest.New(context.Background(), "testdata/app")
	if err != nil {
		t.Fatal(err)
	}
	defer tdb.Close()
	db.SetNativeHost(tdb)
	defer db.SetNativeHost(nil)

	calls := 0
	var same bool
	handler := auth.Required(auth.WithSession(func(r *sandkit.Request, s *auth.Session) sandkit.Response {
		calls++
		again, err := auth.Load(r)
		same = err == nil && again == s
		s.SetFlash("hello")
		return sandkit.Text(200, "user "+s.UserID())
	}))

	resp := sandkittest.Do(handler, sandkittest.NewRequest("GET", "/account?tab=notes", nil))
	if resp.Status() != 303 || resp.Header("Location") != "/login?next=%2Faccount%3Ftab%3Dnotes" || calls != 0 {
		t.Fatalf("a visitor: %d Location %q, handler called %d times; want 303 to /login?next=... and no call", resp.Status(), resp.Header("Location"), calls)
	}

	login := sandkittest.Do(auth.WithSession(func(r *sandkit.Request, s *auth.Session) sandkit.Response {
		s.Login("7")
		return sandkit.Empty(204)
	}), sandkittest.NewRequest("POST", "/login", nil))
	cookie, _, _ := strings.Cut(strings.TrimPrefix(login.Header("Set-Cookie"), auth.SessionCookie+"="), ";")
	if cookie == "" {
		t.Fatalf("logging in set no session cookie: %v", setCookies(login))
	}
	resp = sandkittest.Do(handler, sandkittest.NewRequest("GET", "/account", nil, sandkittest.Cookie(auth.SessionCookie, cookie)))
	if resp.Status() != 200 || resp.Body() != "user 7" || calls != 1 || !same {
		t.Fatalf("a user: %d %q, handler called %d times, same session %v; want 200 \"user 7\", one call, the same *Session", resp.Status(), resp.Body(), calls, same)
	}
	if got := setCookies(resp); len(got) != 1 || got[0] != auth.FlashCookie {
		t.Errorf("cookies set %q, want the flash cookie once (the session saved once)", got)
	}
}

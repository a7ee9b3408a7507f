package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"testing"
)

// The auth example (examples/auth) driven as a browser without JavaScript
// drives it: plain form posts, a cookie jar, redirects looked at one by one;
// and a few requests as the pages' client runtime sends them (JSON, the
// layout's data, a loader's redirect as 204 + X-Sandkit-Redirect).

const testSecretKey = "e2e-test-secret-key-0123456789abcdef"

// browser is a cookie-keeping client that does not follow redirects.
type browser struct {
	t    *testing.T
	base string
	jar  *cookiejar.Jar
	c    *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, base: base, jar: jar, c: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// get asks for a page as a browser does.
func (b *browser) get(path string) reply {
	b.t.Helper()
	req, err := http.NewRequest("GET", b.base+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	return b.do(req)
}

// getClient asks for a URL as the pages' client runtime does on a
// navigation: JSON, with X-Sandkit-Client (spec/pages.md, "Redirects").
func (b *browser) getClient(path string) reply {
	b.t.Helper()
	req, err := http.NewRequest("GET", b.base+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Sandkit-Client", "1")
	return b.do(req)
}

// post submits a form without JavaScript, with extra headers (key, value…).
func (b *browser) post(path string, form url.Values, headers ...string) reply {
	b.t.Helper()
	req, err := http.NewRequest("POST", b.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

func (b *browser) do(req *http.Request) reply {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, string(body)}
}

// cookie is the value of the jar's cookie name for the app, or "".
func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.base)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// setCookie puts a cookie in the jar, as a tampering user would.
func (b *browser) setCookie(name, value string) {
	u, _ := url.Parse(b.base)
	b.jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// expect checks a reply's status, its Location (when want is a 3xx) and
// that its body has each of has.
func expect(t *testing.T, what string, r reply, status int, location string, has ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d\n%.2000s", what, r.status, status, r.body)
	}
	if location != "" && r.header.Get("Location") != location {
		t.Fatalf("%s: Location %q, want %q", what, r.header.Get("Location"), location)
	}
	for _, s := range has {
		if !strings.Contains(r.body, s) {
			t.Fatalf("%s: the answer lacks %q\n%.3000s", what, s, r.body)
		}
	}
}

func TestE2EAuthExample(t *testing.T) {
	app := copyExample(t, "auth")
	s := startServeEnv(t, append(os.Environ(), "SANDKIT_SECRET_KEY="+testSecretKey), app)
	authFlows(t, s)
}

// TestE2EAuthExamplePostgres: the same flows with the app's data in
// PostgreSQL, where the session tables are created by the app's own role
// at its first request.
func TestE2EAuthExamplePostgres(t *testing.T) {
	dbURL := fleetDatabase(t, "auth")
	app := copyExample(t, "auth")
	s := startServeEnv(t, append(os.Environ(), "SANDKIT_SECRET_KEY="+testSecretKey, "SANDKIT_DATABASE_URL="+dbURL), app)
	authFlows(t, s)
}

// authFlows drives every flow of the auth example on the server s, whose
// database is fresh.
func authFlows(t *testing.T, s *server) {
	b := newBrowser(t, s.url)

	// The layout's loader: the nav of a visitor offers to log in.
	expect(t, "home before login", b.get("/"), 200, "", `href="/login" data-discover="true">Log in</a>`, `href="/signup" data-discover="true">Sign up</a>`)

	// A page for users only sends a visitor to log in, with next.
	expect(t, "account before login", b.get("/account?tab=notes"), 303, "/login?next=%2Faccount%3Ftab%3Dnotes")
	expect(t, "login page", b.get("/login?next=%2Faccount"), 200, "", `name="next" value="/account"`)
	// The same for the client runtime's navigation: 204 with the target in
	// X-Sandkit-Redirect, not a Location fetch would follow unseen.
	r := b.getClient("/account")
	expect(t, "account before login, client navigation", r, 204, "")
	if got := r.header.Get("X-Sandkit-Redirect"); got != "/login?next=%2Faccount" {
		t.Fatalf("client navigation to /account: X-Sandkit-Redirect %q, want /login?next=%%2Faccount", got)
	}
	if r.header.Get("Location") != "" || r.body != "" {
		t.Fatalf("client navigation to /account: Location %q, body %q; want neither", r.header.Get("Location"), r.body)
	}
	expect(t, "the layout's data before login", b.getClient("/account?_data=layout:"), 200, "", `"user":null`)

	// Sign-up: a refused form comes back with field errors, the email
	// refilled and the password not.
	r = b.post("/signup", url.Values{"email": {"Ada@Example.com"}, "password": {"short-1"}})
	expect(t, "sign-up with a short password", r, 422, "", "must be at least 8 characters", `value="ada@example.com"`)
	if strings.Contains(r.body, "short-1") {
		t.Fatalf("the refused sign-up sent the password back:\n%s", r.body)
	}
	expect(t, "sign-up", b.post("/signup", url.Values{"email": {"Ada@Example.com"}, "password": {"correct horse battery"}}), 303, "/account")
	first := b.cookie("sandkit_session")
	if first == "" {
		t.Fatal("no session cookie after sign-up")
	}
	// The flash is shown by the layout, once; its nav shows the user.
	const nav = `<span class="who">ada@example.com</span>`
	expect(t, "account after sign-up", b.get("/account"), 200, "", nav, "<strong>ada@example.com</strong>", "Welcome, ada@example.com! Your account is ready.")
	r = b.get("/account")
	expect(t, "account again", r, 200, "", nav)
	if strings.Contains(r.body, "Welcome") {
		t.Fatal("the flash message was shown twice")
	}
	expect(t, "home after sign-up", b.get("/"), 200, "", nav, "Logged in as")
	expect(t, "a 404 page after sign-up", b.get("/no/such/page"), 404, "", nav, "Not found")
	r = b.getClient("/account")
	expect(t, "the account's data, client navigation", r, 200, "", `"email":"ada@example.com"`)
	if strings.Contains(r.body, "password") || strings.Contains(r.body, "argon2") {
		t.Fatalf("the account's data carries the password hash: %s", r.body)
	}
	expect(t, "the layout's data after sign-up", b.getClient("/account?_data=layout:"), 200, "", `"email":"ada@example.com"`, `"flash":""`)
	expect(t, "sign-up with a taken email", newBrowser(t, s.url).post("/signup", url.Values{"email": {"ada@example.com"}, "password": {"another password"}}), 422, "", "is already taken")

	// A form post without JavaScript: saved, redirected back, flash shown.
	expect(t, "save a note", b.post("/account", url.Values{"note": {"hello"}}, "Origin", s.url, "Sec-Fetch-Site", "same-origin"), 303, "/account")
	expect(t, "account after the note", b.get("/account"), 200, "", `<span class="note">hello</span>`, "Note saved.")

	// Cross-site posts are refused and change nothing.
	expect(t, "cross-site post (Origin)", b.post("/account", url.Values{"note": {"pwned"}}, "Origin", "https://evil.example"), 403, "", "cross-site request refused")
	expect(t, "cross-site post (Sec-Fetch-Site)", b.post("/account", url.Values{"note": {"pwned"}}, "Sec-Fetch-Site", "cross-site"), 403, "")
	expect(t, "same-site post (a sibling subdomain)", b.post("/logout", nil, "Sec-Fetch-Site", "same-site"), 403, "")
	expect(t, "cross-site logout", b.post("/logout", nil, "Origin", "https://evil.example"), 403, "")
	// As a browser sends it: no cookie (SameSite=Lax), so the page is
	// rendered again without data, under the 403.
	expect(t, "cross-site post without the cookie", newBrowser(t, s.url).post("/account", url.Values{"note": {"pwned"}}, "Origin", "null", "Sec-Fetch-Site", "cross-site"), 403, "", "cross-site request refused", "Log in</a> to see your account")
	r = b.get("/account")
	expect(t, "account after the cross-site posts", r, 200, "", `<span class="note">hello</span>`)

	// Log out: the session is gone from the server, not only the browser.
	expect(t, "logout", b.post("/logout", nil, "Sec-Fetch-Site", "same-origin"), 303, "/")
	r = b.get("/")
	expect(t, "home after logout", r, 200, "", "You have logged out.", `href="/signup" data-discover="true">Sign up</a>`)
	if strings.Contains(r.body, nav) {
		t.Fatal("the nav shows the user after logout")
	}
	expect(t, "account after logout", b.get("/account"), 303, "/login?next=%2Faccount")
	replay := newBrowser(t, s.url)
	replay.setCookie("sandkit_session", first)
	expect(t, "the old session cookie after logout", replay.get("/account"), 303, "/login?next=%2Faccount")

	// Log in: a wrong password, then the right one with next; the session
	// id changes at login (fixation).
	b.setCookie("sandkit_session", first)
	expect(t, "wrong password", b.post("/login", url.Values{"email": {"ada@example.com"}, "password": {"wrong"}}), 422, "", "Wrong email or password.", `value="ada@example.com"`)
	expect(t, "unknown email", b.post("/login", url.Values{"email": {"nobody@example.com"}, "password": {"wrong"}}), 422, "", "Wrong email or password.")
	expect(t, "login", b.post("/login", url.Values{"email": {"ADA@example.com "}, "password": {"correct horse battery"}, "next": {"/account?tab=notes"}}), 303, "/account?tab=notes")
	second := b.cookie("sandkit_session")
	if second == "" || second == first {
		t.Fatalf("the session id did not change at login: %q, then %q", first, second)
	}
	expect(t, "account after login", b.get("/account"), 200, "", "Welcome back, ada@example.com.")

	// next is followed only to a path on this site.
	for _, next := range []string{"//evil.example/x", "/\\evil.example", "https://evil.example/", "javascript:alert(1)", "evil.example"} {
		c := newBrowser(t, s.url)
		expect(t, "login with next "+next, c.post("/login", url.Values{"email": {"ada@example.com"}, "password": {"correct horse battery"}, "next": {next}}), 303, "/")
	}

	// A tampered session cookie is no session, and is cleared.
	id, sig, _ := strings.Cut(second, ".")
	for _, bad := range []string{id + ".AAAA" + sig[4:], "x" + id[1:] + "." + sig, id, "garbage"} {
		t2 := newBrowser(t, s.url)
		t2.setCookie("sandkit_session", bad)
		r := t2.get("/account")
		expect(t, "account with session cookie "+bad, r, 303, "/login?next=%2Faccount")
		if !strings.Contains(strings.Join(r.header.Values("Set-Cookie"), "\n"), "sandkit_session=; Path=/; Max-Age=0") {
			t.Fatalf("a tampered cookie was not cleared: %q", r.header.Values("Set-Cookie"))
		}
	}
	// A forged flash is not shown.
	t3 := newBrowser(t, s.url)
	t3.setCookie("sandkit_flash", "SGFja2Vk.AAAA")
	if r := t3.get("/"); r.status != 200 || strings.Contains(r.body, "Hacked") {
		t.Fatalf("a forged flash cookie: %d\n%s", r.status, r.body)
	}

	// The rate limit: after 5 failures an account cannot log in, even
	// with its password, for 15 minutes; other accounts can.
	expect(t, "sign-up grace", newBrowser(t, s.url).post("/signup", url.Values{"email": {"grace@example.com"}, "password": {"cobol forever"}}), 303, "/account")
	g := newBrowser(t, s.url)
	for i := range 5 {
		expect(t, "failed login "+string(rune('1'+i)), g.post("/login", url.Values{"email": {"grace@example.com"}, "password": {"fortran"}}), 422, "", "Wrong email or password.")
	}
	expect(t, "login past the limit", g.post("/login", url.Values{"email": {"grace@example.com"}, "password": {"cobol forever"}}), 422, "", "Too many failed attempts.")
	if g.cookie("sandkit_session") != "" {
		t.Fatal("a session was set past the limit")
	}
	expect(t, "another account meanwhile", newBrowser(t, s.url).post("/login", url.Values{"email": {"ada@example.com"}, "password": {"correct horse battery"}}), 303, "/")

	// The limit per client address (Sandkit-Client-Ip, set by the host):
	// 20 failures from this test's 127.0.0.1, whatever the accounts, 7 of
	// them above; a forged header does not change the address counted.
	for i := 7; i < 20; i++ {
		expect(t, fmt.Sprintf("failure %d from this address", i+1), g.post("/login", url.Values{"email": {fmt.Sprintf("nobody%d@example.com", i)}, "password": {"x"}}, "Sandkit-Client-Ip", fmt.Sprintf("198.51.100.%d", i)), 422, "", "Wrong email or password.")
	}
	expect(t, "a login past the address's limit", newBrowser(t, s.url).post("/login", url.Values{"email": {"ada@example.com"}, "password": {"correct horse battery"}}, "Sandkit-Client-Ip", "198.51.100.99"), 422, "", "Too many failed attempts.")
}

// TestE2EAuthNoSecretKey: served without a secret key, a route that uses
// sessions answers 500 (the app's error page) and the log names the
// setting to set; the key is never logged.
func TestE2EAuthNoSecretKey(t *testing.T) {
	app := copyExample(t, "auth")
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SANDKIT_SECRET_KEY=") {
			env = append(env, kv)
		}
	}
	s := startServeEnv(t, env, app)
	// The layout's loader fails first: the app's error page, inside the
	// layout (its nav without data: logged out).
	expect(t, "GET /login without a secret key", newBrowser(t, s.url).get("/login"), 500, "", "<h1>Error <!-- -->500</h1>", "internal error", `href="/login" data-discover="true">Log in</a>`)
	s.until(t, "a log line naming secret_key", func() bool {
		return strings.Contains(s.logs(), "set secret_key in sandkit.toml") && strings.Contains(s.logs(), "SANDKIT_SECRET_KEY")
	})
}

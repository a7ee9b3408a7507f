// The guest SDK copy that sandkit new writes carries every public package
// of the SDK: an app in a temporary folder (outside this repository) uses
// auth, form and sandkittest with no edit of go.mod, offline.

package main

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sandkit.dev/sandkit/internal/npmfixture"
)

// signupHandler is a sign-up API route as a user writes it: form.Bind,
// auth.HashPassword, the app's database and a session.
const signupHandler = `// POST /api/signup: creates an account and logs it in.
package signup

import (
	"strconv"
	"strings"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
	"sandkit.dev/sandkit/guest-sdk/go/db"
	"sandkit.dev/sandkit/guest-sdk/go/form"
)

// Form is what the sign-up form posts.
type Form struct {
	Email    string ` + "`form:\"email\"`" + `
	Password string ` + "`form:\"password,secret\"`" + `
}

func Post(r *sandkit.Request) sandkit.Response {
	return auth.WithSession(func(r *sandkit.Request, s *auth.Session) sandkit.Response {
		var f Form
		if err := form.Bind(r, &f); err != nil {
			return sandkit.Error(400, err.Error())
		}
		if !strings.Contains(f.Email, "@") || len(f.Password) < 8 {
			return sandkit.FormError("Please correct the form.", sandkit.FieldErrors{"email": "needs an @", "password": "at least 8 characters"}, form.Values(&f))
		}
		hash, err := auth.HashPassword(f.Password)
		if err != nil {
			return sandkit.Error(500, err.Error())
		}
		res, err := db.Exec("INSERT INTO users (email, password_hash) VALUES (?, ?)", f.Email, hash)
		if db.IsUnique(err) {
			return sandkit.FormError("Please correct the form.", sandkit.FieldErrors{"email": "is already taken"}, form.Values(&f))
		}
		if err != nil {
			return sandkit.Error(500, err.Error())
		}
		id := strconv.FormatInt(res.LastInsertID, 10)
		s.Login(id)
		var j sandkit.JSONBuilder
		j.Object().Key("id").String(id).Key("email").String(f.Email).EndObject()
		return sandkit.RawJSON(201, j.Bytes())
	})(r)
}
`

// signupTest tests the route natively with sandkittest on the app's
// migrations.
const signupTest = `package signup

import (
	"strings"
	"testing"

	"sandkit.dev/sandkit/guest-sdk/go/auth"
	"sandkit.dev/sandkit/guest-sdk/go/db"
	"sandkit.dev/sandkit/guest-sdk/go/sandkittest"
)

func signUp(email, password string) (int, string, string) {
	req := sandkittest.NewRequest("POST", "/api/signup", strings.NewReader("email="+email+"&password="+password),
		sandkittest.Header("Content-Type", "application/x-www-form-urlencoded"))
	resp := sandkittest.Do(Post, req)
	return resp.Status(), resp.Header("Set-Cookie"), resp.Body()
}

func TestSignUp(t *testing.T) {
	t.Setenv("SANDKIT_SECRET_KEY", "native-test-secret-key-0123456789abcdef")
	sandkittest.OpenDB(t)

	status, cookie, body := signUp("ada@example.com", "correct-horse")
	if status != 201 || !strings.HasPrefix(cookie, "sandkit_session=") || !strings.Contains(body, "ada@example.com") {
		t.Fatalf("sign-up: %d %q %s", status, cookie, body)
	}
	rows, err := db.Query("SELECT password_hash FROM users WHERE email = ?", "ada@example.com")
	if err != nil || !rows.Next() {
		t.Fatalf("the user was not stored: %v", err)
	}
	if ok, err := auth.CheckPassword(rows.Text(0), "correct-horse"); !ok || err != nil {
		t.Errorf("the stored hash does not check: %v %v", ok, err)
	}
	if status, _, body := signUp("ada@example.com", "another-one"); status != 422 || !strings.Contains(body, "already taken") {
		t.Errorf("a second sign-up with the same email: %d %s", status, body)
	}
}
`

// TestNewAppUsesAuth: sandkit new, then a route using auth and form and its
// sandkittest test; go vet and go test pass in the app with GOPROXY=off and
// the go.mod sandkit new wrote (read-only: the go command's default), the
// app builds to wasm, and a real request signs up through the host. A
// handler that imports neither links none of their modules.
func TestNewAppUsesAuth(t *testing.T) {
	if err := npmfixture.Install(filepath.Join("testdata", "newapp")); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	runIn(t, work, sandkitBin, "new", "--offline", "demo")
	app := filepath.Join(work, "demo")
	wasm := filepath.Join(app, ".sandkit", "build", "handlers.wasm")

	// The plain app needs none of the modules its go.mod lists for the SDK
	// (Go loads the module graph lazily): it builds and tests with an empty
	// module cache and no network.
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}, {"test", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = app
		cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=", "GOTOOLCHAIN=local", "GOWORK=off", "GOMODCACHE="+t.TempDir())
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("go %s with an empty module cache: %v\n%s", strings.Join(args, " "), err, out)
		}
	}

	// The plain app links neither x/crypto nor SQLite.
	runIn(t, app, sandkitBin, "build", ".")
	plain, err := os.ReadFile(wasm)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"golang.org/x/crypto", "modernc.org/sqlite", "sandkit.dev/sandkit/host/"} {
		if bytes.Contains(plain, []byte(m)) {
			t.Errorf("the new app's handlers.wasm links %s", m)
		}
	}

	for p, src := range map[string]string{
		"migrations/0002_create_users.up.sql":   "CREATE TABLE users (\n    id INTEGER PRIMARY KEY AUTOINCREMENT,\n    email TEXT NOT NULL UNIQUE,\n    password_hash TEXT NOT NULL\n);\n",
		"migrations/0002_create_users.down.sql": "DROP TABLE users;\n",
		"routes/api/signup/handler.go":          signupHandler,
		"routes/api/signup/handler_test.go":     signupTest,
	} {
		if err := writeNewFile(filepath.Join(app, p), []byte(src)); err != nil {
			t.Fatal(err)
		}
	}
	modBefore, _ := os.ReadFile(filepath.Join(app, "go.mod"))
	sumBefore, _ := os.ReadFile(filepath.Join(app, "go.sum"))
	runIn(t, app, "go", "vet", "./...")
	if out := runIn(t, app, "go", "test", "./..."); !strings.Contains(out, "ok  \tdemo/routes/api/signup") {
		t.Errorf("go test ./... did not run the sign-up test:\n%s", out)
	}
	modAfter, _ := os.ReadFile(filepath.Join(app, "go.mod"))
	sumAfter, _ := os.ReadFile(filepath.Join(app, "go.sum"))
	if !bytes.Equal(modBefore, modAfter) || !bytes.Equal(sumBefore, sumAfter) {
		t.Errorf("go vet/test changed go.mod or go.sum")
	}

	runIn(t, app, sandkitBin, "build", ".")
	withAuth, err := os.ReadFile(wasm)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(withAuth, []byte("password_hash")) {
		t.Errorf("handlers.wasm with the sign-up route does not import password_hash")
	}
	for _, m := range []string{"golang.org/x/crypto", "modernc.org/sqlite", "sandkit.dev/sandkit/host/"} {
		if bytes.Contains(withAuth, []byte(m)) {
			t.Errorf("handlers.wasm with the sign-up route links %s (the host hashes passwords; only sandkittest, a test helper, needs SQLite)", m)
		}
	}
	t.Logf("handlers.wasm: %d bytes plain, %d with auth and form", len(plain), len(withAuth))

	s := startServeEnv(t, append(os.Environ(), "SANDKIT_SECRET_KEY="+testSecretKey), app)
	form := url.Values{"email": {"grace@example.com"}, "password": {"hopper-1906"}}.Encode()
	r := request(t, "POST", s.url+"/api/signup", "application/x-www-form-urlencoded", form)
	if r.status != 201 || r.body != `{"id":"1","email":"grace@example.com"}` {
		t.Fatalf("POST /api/signup = %d\n%s\n%s", r.status, r.body, s.logs())
	}
	var session *http.Cookie
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "sandkit_session" {
			session = c
		}
	}
	if session == nil || session.Value == "" || !session.HttpOnly {
		t.Errorf("POST /api/signup set no session cookie: %v", r.header.Values("Set-Cookie"))
	}
	if r := request(t, "POST", s.url+"/api/signup", "application/x-www-form-urlencoded", form); r.status != 422 || !strings.Contains(r.body, "already taken") {
		t.Errorf("a second POST /api/signup = %d\n%s", r.status, r.body)
	}
}

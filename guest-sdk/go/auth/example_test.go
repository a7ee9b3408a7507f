package auth_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
	"sandkit.dev/sandkit/guest-sdk/go/db"
	"sandkit.dev/sandkit/guest-sdk/go/form"
	"sandkit.dev/sandkit/guest-sdk/go/sandkittest"
	"sandkit.dev/sandkit/host/dbtest"
)

// Where to go after logging in: only paths on this site are followed.
func ExampleSafeNext() {
	for _, next := range []string{"/account?tab=notes", "//evil.example", "/\\evil.example", "https://evil.example/"} {
		fmt.Println(auth.SafeNext(next))
	}
	// Output:
	// /account?tab=notes
	// /
	// /
	// /
}

// A password hashed at sign-up and checked at login. The hash says how it
// was made, so the parameters can change and old hashes still verify.
func ExampleHashPassword() {
	hash, err := auth.HashPassword("correct horse battery staple")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Join(strings.Split(hash, "$")[:4], "$"))
	ok, _ := auth.CheckPassword(hash, "correct horse battery staple")
	wrong, _ := auth.CheckPassword(hash, "Tr0ub4dor&3")
	fmt.Println(ok, wrong)
	// Output:
	// $argon2id$v=19$m=19456,t=2,p=1
	// true false
}

// A value signed with the app's secret key (in a guest, the host gives it;
// natively, the environment does), and a tampered copy refused.
func ExampleSign() {
	os.Setenv("SANDKIT_SECRET_KEY", "example-key-0123456789abcdef012345")
	defer os.Unsetenv("SANDKIT_SECRET_KEY")
	signed, _ := auth.Sign("greeting", "hello")
	v, ok, _ := auth.Verify("greeting", signed)
	fmt.Println(v, ok)
	_, ok, _ = auth.Verify("greeting", "hullo"+signed[len("hello"):])
	fmt.Println(ok)
	// Output:
	// hello true
	// false
}

// userByEmail is the app's Lookup: the users table of testdata/app.
func userByEmail(email string) (userID, hash string, err error) {
	rows, err := db.Query("SELECT id, password_hash FROM users WHERE email = ?", strings.ToLower(strings.TrimSpace(email)))
	if err != nil || !rows.Next() {
		return "", "", err // "" for an email nobody has
	}
	return strconv.FormatInt(rows.Int64(0), 10), rows.Text(1), nil
}

// logIn is the POST of a log-in page: the password checked within the
// rate limit, then the session made the user's under a new id. A JSON API
// would answer 429, 401 or a token for the id instead.
func logIn(r *sandkit.Request, s *auth.Session) sandkit.Response {
	var f struct {
		Email    string `form:"email"`
		Password string `form:"password,secret"`
	}
	if err := form.Bind(r, &f); err != nil {
		return sandkit.Error(400, err.Error())
	}
	id, err := auth.Authenticate(r, f.Email, f.Password, userByEmail)
	switch {
	case errors.Is(err, auth.ErrThrottled):
		return sandkit.FormError("Too many failed attempts. Try again in 15 minutes.", nil, nil)
	case errors.Is(err, auth.ErrBadCredentials):
		return sandkit.FormError("Wrong email or password.", nil, nil)
	case err != nil:
		return auth.ErrorResponse(err)
	}
	s.Login(id)
	return sandkit.Redirect(303, "/account")
}

// A log-in handler: a wrong password and an unknown email get the same
// answer (and take as long); after five failures the account is locked
// for 15 minutes, even for the right password.
func ExampleAuthenticate() {
	os.Setenv("SANDKIT_SECRET_KEY", "example-key-0123456789abcdef012345")
	defer os.Unsetenv("SANDKIT_SECRET_KEY")
	tdb, err := dbtest.New(context.Background(), "testdata/app") // natively: a fresh database
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tdb.Close()
	db.SetNativeHost(tdb)
	defer db.SetNativeHost(nil)
	hash, _ := auth.HashPassword("correct horse")
	db.Exec("INSERT INTO users (email, password_hash) VALUES (?, ?)", "ada@example.com", hash)

	try := func(email, password string) {
		req := sandkittest.NewRequest("POST", "/login", strings.NewReader(url.Values{"email": {email}, "password": {password}}.Encode()),
			sandkittest.Header("Content-Type", "application/x-www-form-urlencoded"))
		resp := sandkittest.Do(auth.WithSession(logIn), req)
		msg, _, _ := strings.Cut(strings.TrimPrefix(resp.Body(), `{"error":{"status":422,"message":"`), `"`)
		fmt.Println(resp.Status(), resp.Header("Location")+msg, strings.HasPrefix(resp.Header("Set-Cookie"), auth.SessionCookie+"="))
	}
	try("ada@example.com", "correct horse")
	try("nobody@example.com", "correct horse")
	for range 5 {
		try("ada@example.com", "wrong")
	}
	try("ada@example.com", "correct horse")
	// Output:
	// 303 /account true
	// 422 Wrong email or password. false
	// 422 Wrong email or password. false
	// 422 Wrong email or password. false
	// 422 Wrong email or password. false
	// 422 Wrong email or password. false
	// 422 Wrong email or password. false
	// 422 Too many failed attempts. Try again in 15 minutes. false
}

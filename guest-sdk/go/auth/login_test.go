package auth_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"sandkit.dev/sandkit/abi"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
	"sandkit.dev/sandkit/guest-sdk/go/db"
	"sandkit.dev/sandkit/guest-sdk/go/sandkittest"
)

// users is the accounts of testdata/app's users table, counted: how often
// an account was looked up and how often the dummy hash ran.
type users struct {
	lookups, hashes int
	hashed          []string // the passwords the hash function got
}

func (u *users) lookup(email string) (string, string, error) {
	u.lookups++
	rows, err := db.Query("SELECT id, password_hash FROM users WHERE email = ?", strings.ToLower(strings.TrimSpace(email)))
	if err != nil || !rows.Next() {
		return "", "", err
	}
	return strconv.FormatInt(rows.Int64(0), 10), rows.Text(1), nil
}

// hash is the app's password hash, counted.
func (u *users) hash(kind func(string) (string, error)) func(string) (string, error) {
	return func(p string) (string, error) {
		u.hashes++
		u.hashed = append(u.hashed, p)
		return kind(p)
	}
}

func bcrypt4(p string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(p), 4)
	return string(h), err
}

// addUser stores a user with hash and returns its id.
func addUser(t *testing.T, email, hash string) string {
	t.Helper()
	rows, err := db.Query("INSERT INTO users (email, password_hash) VALUES (?, ?) RETURNING id", email, hash)
	if err != nil || !rows.Next() {
		t.Fatalf("adding %s: %v", email, err)
	}
	return strconv.FormatInt(rows.Int64(0), 10)
}

func mustHash(t *testing.T, hash func(string) (string, error), password string) string {
	t.Helper()
	h, err := hash(password)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// attempts counts the failed logins recorded under key (spec/abi.md §10.2).
func attempts(t *testing.T, key string) int64 {
	t.Helper()
	rows, err := db.Query("SELECT COUNT(*) FROM auth_attempts WHERE attempt_key = ?", key)
	if err != nil || !rows.Next() {
		t.Fatalf("counting attempts of %s: %v", key, err)
	}
	return rows.Int64(0)
}

// try runs a's Authenticate in a request from the client address ip.
func try(a auth.Authenticator, ip, account, password string) (id string, err error) {
	sandkittest.Do(func(r *sandkit.Request) sandkit.Response {
		id, err = a.Authenticate(r, account, password)
		return sandkit.Response{}
	}, sandkittest.NewRequest("POST", "/login", nil, sandkittest.Header(abi.HeaderClientIP, ip)))
	return id, err
}

func TestAuthenticate(t *testing.T) {
	sandkittest.OpenDBAt(t, "testdata/app")
	var u users
	a := auth.NewAuthenticator(u.lookup).WithHash(u.hash(auth.HashPassword))
	ada := addUser(t, "ada@example.com", mustHash(t, auth.HashPassword, "correct horse"))
	addUser(t, "sso@example.com", "") // signs in some other way
	login := func(ip, account, password string) (string, error) { return try(a, ip, account, password) }

	t.Run("right password", func(t *testing.T) {
		u = users{}
		if id, err := login("192.0.2.1", "ada@example.com", "correct horse"); id != ada || err != nil {
			t.Fatalf("= %q, %v; want %q, nil", id, err, ada)
		}
		if u.lookups != 1 || u.hashes != 0 {
			t.Errorf("%d lookups, %d dummy hashes; want 1, 0", u.lookups, u.hashes)
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		u = users{}
		if id, err := login("192.0.2.2", "Ada@Example.com ", "wrong horse"); id != "" || !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("= %q, %v; want ErrBadCredentials", id, err)
		}
		if u.hashes != 0 {
			t.Errorf("the dummy hash ran for a known account (%d times)", u.hashes)
		}
		if n := attempts(t, "account:ada@example.com"); n != 1 {
			t.Errorf("%d failures counted for the account, want 1", n)
		}
		if n := attempts(t, "client:192.0.2.2"); n != 1 {
			t.Errorf("%d failures counted for the client, want 1", n)
		}
	})

	// An unknown account, or one without a password, costs a hash of the
	// password given, with the app's hash function, and is refused as a
	// wrong password is.
	for _, c := range []struct{ name, account, password string }{
		{"unknown account", "nobody@example.com", "correct horse"},
		{"account without a password", "sso@example.com", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			u = users{}
			if id, err := login("192.0.2.3", c.account, c.password); id != "" || !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("= %q, %v; want ErrBadCredentials", id, err)
			}
			if u.lookups != 1 || u.hashes != 1 || u.hashed[0] != c.password {
				t.Errorf("%d lookups, the hash function ran %d times with %q; want 1 lookup and 1 hash of %q", u.lookups, u.hashes, u.hashed, c.password)
			}
			if n := attempts(t, "account:"+c.account); n != 1 {
				t.Errorf("%d failures counted for the account, want 1", n)
			}
		})
	}

	t.Run("throttled after the account's limit", func(t *testing.T) {
		grace := addUser(t, "grace@example.com", mustHash(t, auth.HashPassword, "cobol forever"))
		a := a.WithThrottle(auth.NewThrottle(3, 0, time.Hour))
		for i := range 3 {
			if _, err := try(a, fmt.Sprintf("198.51.100.%d", i), "grace@example.com", "fortran"); !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
		u = users{}
		// The right password, from another address: refused unchecked.
		if id, err := try(a, "198.51.100.9", "GRACE@example.com", "cobol forever"); id != "" || !errors.Is(err, auth.ErrThrottled) {
			t.Fatalf("past the limit: %q, %v; want ErrThrottled", id, err)
		}
		if u.lookups != 0 || u.hashes != 0 {
			t.Errorf("a throttled login looked the account up %d times and hashed %d times", u.lookups, u.hashes)
		}
		if n := attempts(t, "account:grace@example.com"); n != 3 {
			t.Errorf("a throttled login was counted: %d failures, want 3", n)
		}
		// Other accounts are not held back; a longer limit lets grace in.
		if id, err := try(a, "198.51.100.9", "ada@example.com", "correct horse"); id != ada || err != nil {
			t.Errorf("another account meanwhile: %q, %v", id, err)
		}
		if id, err := try(a.WithThrottle(auth.NewThrottle(4, 0, time.Hour)), "198.51.100.9", "grace@example.com", "cobol forever"); id != grace || err != nil {
			t.Errorf("under a limit of 4: %q, %v", id, err)
		}
	})

	t.Run("throttled after the client's limit", func(t *testing.T) {
		a := a.WithThrottle(auth.NewThrottle(0, 2, time.Hour))
		for i := range 2 {
			if _, err := try(a, "203.0.113.7", fmt.Sprintf("guess%d@example.com", i), "x"); !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
		if _, err := try(a, "203.0.113.7", "ada@example.com", "correct horse"); !errors.Is(err, auth.ErrThrottled) {
			t.Errorf("a third account from the address: %v, want ErrThrottled", err)
		}
		if id, err := try(a, "203.0.113.8", "ada@example.com", "correct horse"); id != ada || err != nil {
			t.Errorf("from another address: %q, %v", id, err)
		}
	})

	t.Run("reset on success", func(t *testing.T) {
		addUser(t, "linus@example.com", mustHash(t, bcrypt4, "penguin"))
		a := auth.NewAuthenticator(u.lookup).WithHash(u.hash(bcrypt4)).WithThrottle(auth.NewThrottle(3, 0, time.Hour))
		fail := func() {
			t.Helper()
			if _, err := try(a, "192.0.2.4", "linus@example.com", "walrus"); !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("a wrong password: %v", err)
			}
		}
		fail()
		fail()
		if id, err := try(a, "192.0.2.4", "linus@example.com", "penguin"); id == "" || err != nil {
			t.Fatalf("the right password (a bcrypt hash) after 2 failures: %q, %v", id, err)
		}
		if n := attempts(t, "account:linus@example.com"); n != 0 {
			t.Errorf("%d failures left for the account after a login, want 0", n)
		}
		if n := attempts(t, "client:192.0.2.4"); n != 2 {
			t.Errorf("%d failures left for the client after a login, want 2 (they stay)", n)
		}
		fail()
		fail() // 4 failures in the window in all, but 2 since the login
		if _, err := try(a, "192.0.2.4", "linus@example.com", "penguin"); err != nil {
			t.Errorf("2 failures after a login: %v", err)
		}
	})

	t.Run("errors are not refusals", func(t *testing.T) {
		broken := addUser(t, "broken@example.com", "$argon2id$not-a-hash")
		before := attempts(t, "account:broken@example.com")
		_, err := try(a, "192.0.2.5", "broken@example.com", "x")
		if err == nil || errors.Is(err, auth.ErrBadCredentials) || !strings.Contains(err.Error(), `user "`+broken+`"`) {
			t.Errorf("a malformed stored hash: %v", err)
		}
		dbDown := errors.New("database down")
		_, err = try(auth.NewAuthenticator(func(string) (string, string, error) { return "", "", dbDown }), "192.0.2.5", "ada@example.com", "x")
		if !errors.Is(err, dbDown) {
			t.Errorf("a failing lookup: %v", err)
		}
		_, err = try(auth.NewAuthenticator(func(string) (string, string, error) { return "", "$2a$04$x", nil }), "192.0.2.5", "ada@example.com", "x")
		if err == nil || errors.Is(err, auth.ErrBadCredentials) {
			t.Errorf("a hash without a user id: %v", err)
		}
		if _, err := try(auth.Authenticator{}, "192.0.2.5", "ada@example.com", "x"); err == nil || !strings.Contains(err.Error(), "NewAuthenticator") {
			t.Errorf("the zero Authenticator: %v", err)
		}
		if n := attempts(t, "account:broken@example.com"); n != before {
			t.Errorf("an error was counted as a failure: %d, then %d", before, n)
		}
	})
}

// Package users is the app's user table: creating a user with a hashed
// password, finding one by email (for a login) or id or by the session.
package users

import (
	"errors"
	"strconv"
	"strings"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

// User is one row of users.
type User struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Note  string `json:"note"`
	hash  string
}

// ErrTaken is Create's error for an email that already has an account.
var ErrTaken = errors.New("is already taken")

// Normalize is how emails are compared: trimmed and lower-cased.
func Normalize(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Create stores a new user with password hashed (argon2id).
func Create(email, password string) (User, error) {
	hash, err := auth.HashPassword(password)
	if err != nil {
		return User{}, err
	}
	rows, err := db.Query("INSERT INTO users (email, password_hash) VALUES (?, ?) RETURNING id", email, hash)
	if db.IsUnique(err) {
		return User{}, ErrTaken
	}
	if err != nil {
		return User{}, err
	}
	u := User{Email: email}
	if rows.Next() {
		err = rows.Scan(&u.ID)
	}
	return u, err
}

// Lookup finds the account a login names (an auth.Lookup): the session's
// user id of the user with email and its password hash, or "" for an
// email nobody has.
func Lookup(email string) (userID, hash string, err error) {
	u, found, err := one("SELECT id, email, note, password_hash FROM users WHERE email = ?", Normalize(email))
	if err != nil || !found {
		return "", "", err
	}
	return u.SessionID(), u.hash, nil
}

// ByID returns the user whose id is the session's user id.
func ByID(id string) (User, bool, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return User{}, false, nil
	}
	return one("SELECT id, email, note, password_hash FROM users WHERE id = ?", n)
}

func one(q string, arg any) (User, bool, error) {
	rows, err := db.Query(q, arg)
	if err != nil || !rows.Next() {
		return User{}, false, err
	}
	var u User
	err = rows.Scan(&u.ID, &u.Email, &u.Note, &u.hash)
	return u, err == nil, err
}

// SetNote changes u's note.
func SetNote(id int64, note string) error {
	_, err := db.Exec("UPDATE users SET note = ? WHERE id = ?", note, id)
	return err
}

// SessionID is the user id a session keeps for u.
func (u User) SessionID() string { return strconv.FormatInt(u.ID, 10) }

// Current returns the user logged in on the session s, or nil.
func Current(s *auth.Session) (*User, error) {
	u, ok, err := auth.CurrentUser(s, func(id string) (User, error) {
		u, _, err := ByID(id)
		return u, err
	})
	if err != nil || !ok || u.ID == 0 { // u.ID == 0: the account is gone
		return nil, err
	}
	return &u, nil
}

// Fail logs err and answers 500.
func Fail(err error) sandkit.Response {
	sandkit.Errorf("auth example: %v", err)
	return sandkit.Error(500, "internal error")
}

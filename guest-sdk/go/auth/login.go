// Password logins: the rate limit, the account's hash, the password check
// (or an equal amount of work for an account that does not exist), and the
// failure count, in the one order that is safe.

package auth

import (
	"errors"
	"fmt"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// ErrThrottled is [Authenticate]'s answer to a login past the rate limit
// ([Throttle]): the password was not checked. Answer it with 429, or with
// the form again and a message asking to try later.
var ErrThrottled = errors.New("sandkit auth: too many failed logins; try again later")

// ErrBadCredentials is [Authenticate]'s answer to a wrong password or an
// account that does not exist; the two are not told apart, to the caller
// or (by the time they take) to the client. Answer it with 401, or with
// the form again and one message for both.
var ErrBadCredentials = errors.New("sandkit auth: wrong account or password")

// A Lookup finds the account a login names (an email, a user name): the
// user id to log in as ([Session.Login], or a token's subject) and the
// stored password hash ([HashPassword], or bcrypt). An unknown account is
// hash "" and a nil error, as is an account without a password (one that
// signs in some other way): neither can log in with a password. An error
// is a failure of the lookup itself (the database), not a refusal.
type Lookup func(account string) (userID, hash string, err error)

// An Authenticator checks password logins for one app: the rate limit it
// applies, how it finds accounts, and how the app hashes passwords. Make
// one with [NewAuthenticator]; it is a value, and its With methods return
// changed copies.
type Authenticator struct {
	lookup   Lookup
	throttle Throttle
	hash     func(password string) (string, error)
}

// NewAuthenticator returns an Authenticator that finds accounts with
// lookup, limits failures with [DefaultThrottle], and expects hashes made
// by [HashPassword].
func NewAuthenticator(lookup Lookup) Authenticator {
	return Authenticator{lookup: lookup, throttle: DefaultThrottle(), hash: HashPassword}
}

// WithThrottle returns a copy of a that limits failed logins with t.
func (a Authenticator) WithThrottle(t Throttle) Authenticator {
	a.throttle = t
	return a
}

// WithHash returns a copy of a for an app that hashes its passwords with
// hash rather than [HashPassword] (bcrypt at some cost, say). For an
// account that does not exist a hashes the password given with it, so
// that the refusal takes as long as that of a wrong password, which costs
// one hash of the stored kind: hash must be the function the app hashes
// new passwords with, at the same cost. The hash it returns is thrown
// away, as is its error. nil means [HashPassword].
func (a Authenticator) WithHash(hash func(password string) (string, error)) Authenticator {
	if hash == nil {
		hash = HashPassword
	}
	a.hash = hash
	return a
}

// Authenticate checks a password login to account from r's client as
// NewAuthenticator(lookup) does ([Authenticator.Authenticate]): within
// [DefaultThrottle]'s limits, for hashes made by [HashPassword] (bcrypt
// hashes are checked too, but the refusal of an unknown account then takes
// another time: use NewAuthenticator(lookup) with [Authenticator.WithHash]). It returns the account's user id, or
// [ErrThrottled] or [ErrBadCredentials], or another error when the
// database or a stored hash fails.
//
// A login page then makes the session the user's, with a new id:
//
//	id, err := auth.Authenticate(r, email, password, users.Lookup)
//	if err != nil { ... }
//	s.Login(id)
//
// and a JSON API answers a token for the id instead.
func Authenticate(r *sandkit.Request, account, password string, lookup Lookup) (string, error) {
	return NewAuthenticator(lookup).Authenticate(r, account, password)
}

// Authenticate checks a password login to account from r's client, in
// this order (spec/abi.md §10.4):
//
//  1. Past the rate limit for the account or the client's address, it
//     returns [ErrThrottled] at once, and counts nothing.
//  2. It looks the account up, and checks password against its hash
//     ([CheckPassword]). For an account that is unknown or has no
//     password, it hashes password anyway ([Authenticator.WithHash]), so
//     that an unknown account is not told by a quicker answer.
//  3. A wrong password or unknown account counts one failure for the
//     account and the client ([Throttle.Fail]) and returns
//     [ErrBadCredentials]; the right password forgets the account's
//     failures ([Throttle.Reset]) and returns the user id.
//
// account is passed to lookup as it is; the rate limit counts it trimmed
// and lower-cased. Any other error (the database, a malformed stored hash)
// is returned wrapped, counts nothing, and is the server's fault: answer
// 500 ([ErrorResponse]).
func (a Authenticator) Authenticate(r *sandkit.Request, account, password string) (string, error) {
	if a.lookup == nil {
		return "", errors.New("sandkit auth: the Authenticator has no Lookup (make it with NewAuthenticator)")
	}
	ok, err := a.throttle.Allow(r, account)
	if err != nil {
		return "", fmt.Errorf("sandkit auth: login rate limit: %w", err)
	}
	if !ok {
		return "", ErrThrottled
	}
	userID, hash, err := a.lookup(account)
	if err != nil {
		return "", fmt.Errorf("sandkit auth: looking up the account: %w", err)
	}
	if hash != "" && userID == "" {
		return "", errors.New("sandkit auth: the account lookup returned a password hash without a user id")
	}
	match := false
	if hash == "" {
		a.hash(password) // the work a wrong password costs; the result is not used
	} else if match, err = CheckPassword(hash, password); err != nil {
		return "", fmt.Errorf("sandkit auth: the stored password hash of user %q: %w", userID, err)
	}
	if !match {
		if err := a.throttle.Fail(r, account); err != nil {
			return "", fmt.Errorf("sandkit auth: counting a failed login: %w", err)
		}
		return "", ErrBadCredentials
	}
	if err := a.throttle.Reset(r, account); err != nil {
		return "", fmt.Errorf("sandkit auth: forgetting failed logins: %w", err)
	}
	return userID, nil
}

// Login rate limiting: failed attempts counted in the app's database, per
// account and per client address.

package auth

import (
	"strings"
	"time"

	"sandkit.dev/sandkit/abi"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

// Throttle limits failed logins: at most perAccount failures for one
// account and perClient failures from one client address within window;
// past either, [Throttle.Allow] says no until old failures age out of the
// window. Counting per account stops guessing one user's password from
// many addresses (at the price that such an attack locks the user out for
// the window); per client stops one address trying many accounts.
type Throttle struct {
	perAccount, perClient int
	window                time.Duration
}

// NewThrottle returns a Throttle; a limit of 0 turns that count off.
func NewThrottle(perAccount, perClient int, window time.Duration) Throttle {
	return Throttle{perAccount: perAccount, perClient: perClient, window: window}
}

// DefaultThrottle returns the default limits: 5 failures per account and
// 20 per client address in 15 minutes.
func DefaultThrottle() Throttle { return NewThrottle(5, 20, 15*time.Minute) }

// keys are the attempt keys of a login (spec/abi.md §10.2): the account
// name, trimmed and lower-cased, and the client's address, which the host
// passes as Sandkit-Client-Ip (absent: not counted).
func (t Throttle) keys(r *sandkit.Request, account string) (acct, client string) {
	acct = "account:" + strings.ToLower(strings.TrimSpace(account))
	if ip := r.Header(abi.HeaderClientIP); ip != "" {
		client = "client:" + ip
	}
	return acct, client
}

// Allow reports whether a login to account from r's client may be tried
// now. Call it before checking the password, and answer 429 (or the form
// again, with a message) when it is false.
func (t Throttle) Allow(r *sandkit.Request, account string) (bool, error) {
	acct, client := t.keys(r, account)
	if err := ensureSchema(); err != nil {
		return false, err
	}
	since := time.Now().Add(-t.window).Unix()
	for _, c := range []struct {
		key   string
		limit int
	}{{acct, t.perAccount}, {client, t.perClient}} {
		if c.key == "" || c.limit <= 0 {
			continue
		}
		rows, err := db.Query("SELECT COUNT(*) FROM auth_attempts WHERE attempt_key = ? AND at > ?", c.key, since)
		if err != nil {
			return false, err
		}
		var n int64
		if rows.Next() {
			if err := rows.Scan(&n); err != nil {
				return false, err
			}
		}
		if n >= int64(c.limit) {
			return false, nil
		}
	}
	return true, nil
}

// Fail records a failed login to account from r's client, and deletes
// every attempt older than the window, so the table holds one window's
// failures at most.
func (t Throttle) Fail(r *sandkit.Request, account string) error {
	acct, client := t.keys(r, account)
	if err := ensureSchema(); err != nil {
		return err
	}
	now := time.Now()
	if _, err := db.Exec("DELETE FROM auth_attempts WHERE at <= ?", now.Add(-t.window).Unix()); err != nil {
		return err
	}
	for _, key := range []string{acct, client} {
		if key == "" {
			continue
		}
		if _, err := db.Exec("INSERT INTO auth_attempts (attempt_key, at) VALUES (?, ?)", key, now.Unix()); err != nil {
			return err
		}
	}
	return nil
}

// Reset forgets account's failures, after it logged in. The client's stay.
func (t Throttle) Reset(r *sandkit.Request, account string) error {
	acct, _ := t.keys(r, account)
	if err := ensureSchema(); err != nil {
		return err
	}
	_, err := db.Exec("DELETE FROM auth_attempts WHERE attempt_key = ?", acct)
	return err
}

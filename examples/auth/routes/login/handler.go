// The log-in page: its GET is the page's data, its POST checks the
// password (within the rate limit) and logs the user in.
package login

import (
	"example.com/auth/users"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
	"sandkit.dev/sandkit/guest-sdk/go/form"
)

// Data is the log-in page's props: where to go once logged in.
type Data struct {
	Next string `json:"next"`
}

// Get answers the page's data: ?next= if it is a path on this site, else
// "/".
func Get(r *sandkit.Request) sandkit.Response {
	return sandkit.JSON(200, Data{Next: auth.SafeNext(r.QueryValue("next"))})
}

// Form is what the log-in form posts.
type Form struct {
	Email    string `form:"email"`
	Password string `form:"password,secret"`
	Next     string `form:"next"`
}

// Post logs in.
func Post(r *sandkit.Request) sandkit.Response { return auth.WithSession(logIn)(r) }

// dummyHash is checked when the email has no account, so that answering
// takes as long as for a wrong password (no telling which emails exist).
var dummyHash string

func logIn(r *sandkit.Request, s *auth.Session) sandkit.Response {
	var f Form
	if err := form.Bind(r, &f); err != nil {
		return sandkit.Error(400, err.Error())
	}
	f.Email = users.Normalize(f.Email)
	throttle := auth.DefaultThrottle()
	ok, err := throttle.Allow(r, f.Email)
	if err != nil {
		return users.Fail(err)
	}
	if !ok {
		return sandkit.FormError("Too many failed attempts. Try again in 15 minutes.", nil, form.Values(&f))
	}
	u, found, err := users.ByEmail(f.Email)
	if err != nil {
		return users.Fail(err)
	}
	var match bool
	if found {
		match, err = u.CheckPassword(f.Password)
	} else {
		if dummyHash == "" {
			dummyHash, _ = auth.HashPassword("not a password anyone has")
		}
		_, err = auth.CheckPassword(dummyHash, f.Password)
	}
	if err != nil {
		return users.Fail(err)
	}
	if !match {
		if err := throttle.Fail(r, f.Email); err != nil {
			return users.Fail(err)
		}
		return sandkit.FormError("Wrong email or password.", nil, form.Values(&f))
	}
	if err := throttle.Reset(r, f.Email); err != nil {
		return users.Fail(err)
	}
	s.Login(u.SessionID())
	s.SetFlash("Welcome back, " + u.Email + ".")
	next := f.Next
	if next == "" {
		next = r.QueryValue("next")
	}
	return sandkit.Redirect(303, auth.SafeNext(next))
}

// The log-in page: its GET is the page's data, its POST checks the
// password (within the rate limit) and logs the user in.
package login

import (
	"errors"

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

func logIn(r *sandkit.Request, s *auth.Session) sandkit.Response {
	var f Form
	if err := form.Bind(r, &f); err != nil {
		return sandkit.Error(400, err.Error())
	}
	f.Email = users.Normalize(f.Email)
	id, err := auth.Authenticate(r, f.Email, f.Password, users.Lookup)
	switch {
	case errors.Is(err, auth.ErrThrottled):
		return sandkit.FormError("Too many failed attempts. Try again in 15 minutes.", nil, form.Values(&f))
	case errors.Is(err, auth.ErrBadCredentials):
		return sandkit.FormError("Wrong email or password.", nil, form.Values(&f))
	case err != nil:
		return users.Fail(err)
	}
	s.Login(id)
	s.SetFlash("Welcome back, " + f.Email + ".")
	next := f.Next
	if next == "" {
		next = r.QueryValue("next")
	}
	return sandkit.Redirect(303, auth.SafeNext(next))
}

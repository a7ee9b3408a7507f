// The sign-in page: its GET is where to go once signed in, its POST
// checks the password (within a rate limit) and starts the session.
package login

import (
	"errors"

	"example.com/conduit/api"
	"example.com/conduit/web"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
	"sandkit.dev/sandkit/guest-sdk/go/form"
)

// Data is the page's: where to go once signed in (a path on this site).
type Data struct {
	Next string `json:"next"`
}

// Get answers the page's data.
func Get(r *sandkit.Request) sandkit.Response {
	return sandkit.JSON(200, Data{Next: auth.SafeNext(r.QueryValue("next"))})
}

// Form is what the sign-in form posts.
type Form struct {
	Email    string `form:"email"`
	Password string `form:"password,secret"`
	Next     string `form:"next"`
}

// Post signs in and goes to next.
func Post(r *sandkit.Request) sandkit.Response {
	return auth.WithSession(func(r *sandkit.Request, s *auth.Session) sandkit.Response {
		var f Form
		if err := form.Bind(r, &f); err != nil {
			return sandkit.Error(400, err.Error())
		}
		id, err := api.Authenticate(r, f.Email, f.Password)
		switch {
		case errors.Is(err, auth.ErrThrottled):
			return sandkit.FormError("Too many failed attempts: try again in 15 minutes.", nil, form.Values(&f))
		case errors.Is(err, auth.ErrBadCredentials):
			return sandkit.FormError("email or password is invalid", nil, form.Values(&f))
		case err != nil:
			return web.Refuse(err, form.Values(&f))
		}
		s.Login(api.FormatID(id))
		return sandkit.Redirect(303, auth.SafeNext(f.Next))
	})(r)
}

// The sign-in page: its GET is where to go once signed in, its POST
// checks the password (within a rate limit) and starts the session.
package login

import (
	"errors"
	"strings"

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
		// The account the rate limit counts failures for: the email as
		// api.Authenticate compares it, so "Ada@" and "ada@" are one.
		f.Email = strings.ToLower(f.Email)
		throttle := auth.DefaultThrottle()
		ok, err := throttle.Allow(r, f.Email)
		if err != nil {
			return web.Fail(err)
		}
		if !ok {
			return sandkit.FormError("Too many failed attempts: try again in 15 minutes.", nil, form.Values(&f))
		}
		id, err := api.Authenticate(f.Email, f.Password)
		if errors.Is(err, api.ErrBadLogin) {
			if err := throttle.Fail(r, f.Email); err != nil {
				return web.Fail(err)
			}
			return sandkit.FormError("email or password is invalid", nil, form.Values(&f))
		}
		if err != nil {
			return web.Refuse(err, form.Values(&f))
		}
		if err := throttle.Reset(r, f.Email); err != nil {
			return web.Fail(err)
		}
		s.Login(api.FormatID(id))
		return sandkit.Redirect(303, auth.SafeNext(f.Next))
	})(r)
}

// The sign-up page: its POST makes the user and signs them in.
package register

import (
	"example.com/conduit/api"
	"example.com/conduit/web"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
	"sandkit.dev/sandkit/guest-sdk/go/form"
)

// Form is what the sign-up form posts.
type Form struct {
	Username string `form:"username"`
	Email    string `form:"email"`
	Password string `form:"password,secret"`
}

// Post makes the user, signs them in and goes home; a taken name or
// email, a short password and the like are refused by field.
func Post(r *sandkit.Request) sandkit.Response {
	return auth.WithSession(func(r *sandkit.Request, s *auth.Session) sandkit.Response {
		var f Form
		if err := form.Bind(r, &f); err != nil {
			return sandkit.Error(400, err.Error())
		}
		id, err := api.CreateUser(f.Username, f.Email, f.Password)
		if err != nil {
			return web.Refuse(err, form.Values(&f))
		}
		s.Login(api.FormatID(id))
		return sandkit.Redirect(303, "/")
	})(r)
}

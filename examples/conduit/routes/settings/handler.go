// The settings page, for signed-in users: its GET is the user, its POST
// changes them.
package settings

import (
	"example.com/conduit/api"
	"example.com/conduit/web"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
	"sandkit.dev/sandkit/guest-sdk/go/form"
)

// Data is the page's: the user to edit.
type Data struct {
	User web.Me `json:"user"`
}

// Get answers the signed-in user; a visitor is sent to log in.
func Get(r *sandkit.Request) sandkit.Response {
	return web.Required(func(r *sandkit.Request, s *auth.Session, v api.Viewer) sandkit.Response {
		me, err := web.CurrentUser(s)
		if err != nil {
			return web.Fail(err)
		}
		if me == nil {
			return auth.RedirectToLogin(r, auth.LoginPath)
		}
		return sandkit.JSON(200, Data{User: *me})
	})(r)
}

// Form is what the settings form posts; an empty password keeps the old
// one.
type Form struct {
	Image    string `form:"image"`
	Username string `form:"username"`
	Bio      string `form:"bio"`
	Email    string `form:"email"`
	Password string `form:"password,secret"`
}

// Post changes the user and shows their profile.
func Post(r *sandkit.Request) sandkit.Response {
	return web.Required(func(r *sandkit.Request, s *auth.Session, v api.Viewer) sandkit.Response {
		var f Form
		if err := form.Bind(r, &f); err != nil {
			return sandkit.Error(400, err.Error())
		}
		c := api.UserChange{Image: &f.Image, Username: &f.Username, Bio: &f.Bio, Email: &f.Email}
		if f.Password != "" {
			c.Password = &f.Password
		}
		if err := api.ChangeUser(v.ID, c); err != nil {
			return web.Refuse(err, form.Values(&f))
		}
		s.SetFlash("Your settings are saved.")
		return sandkit.Redirect(303, "/profile/"+f.Username)
	})(r)
}

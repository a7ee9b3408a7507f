// The sign-up page: its GET is the page's data, its POST creates the
// account, logs it in and goes to /account.
package signup

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"example.com/auth/users"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
	"sandkit.dev/sandkit/guest-sdk/go/form"
)

// MinPassword is the shortest password accepted, in characters.
const MinPassword = 8

// Data is the sign-up page's props: the rules the form states (and the
// browser checks before posting; Validate checks them again).
type Data struct {
	MinPassword int `json:"minPassword"`
}

// Get answers the page's data.
func Get(r *sandkit.Request) sandkit.Response {
	return sandkit.JSON(200, Data{MinPassword: MinPassword})
}

// Form is what the sign-up form posts.
type Form struct {
	Email    string `form:"email"`
	Password string `form:"password,secret"`
}

// Validate returns what is wrong with f, field by field.
func (f *Form) Validate() sandkit.FieldErrors {
	errs := sandkit.FieldErrors{}
	f.Email = users.Normalize(f.Email)
	switch {
	case f.Email == "":
		errs["email"] = "is required"
	case len(f.Email) > 254 || !strings.Contains(f.Email, "@") || strings.ContainsAny(f.Email, " \t\r\n"):
		errs["email"] = "is not an email address"
	}
	switch n := utf8.RuneCountInString(f.Password); {
	case n < MinPassword:
		errs["password"] = fmt.Sprintf("must be at least %d characters", MinPassword)
	case len(f.Password) > auth.MaxPasswordBytes:
		errs["password"] = "must be at most 1024 bytes"
	}
	return errs
}

// Post creates the account.
func Post(r *sandkit.Request) sandkit.Response { return auth.WithSession(signUp)(r) }

func signUp(r *sandkit.Request, s *auth.Session) sandkit.Response {
	var f Form
	if err := form.Bind(r, &f); err != nil {
		return sandkit.Error(400, err.Error())
	}
	if errs := f.Validate(); len(errs) > 0 {
		return sandkit.FormError("Please correct the form.", errs, form.Values(&f))
	}
	u, err := users.Create(f.Email, f.Password)
	if errors.Is(err, users.ErrTaken) {
		return sandkit.FormError("Please correct the form.", sandkit.FieldErrors{"email": "is already taken"}, form.Values(&f))
	}
	if err != nil {
		return users.Fail(err)
	}
	s.Login(u.SessionID())
	s.SetFlash("Welcome, " + u.Email + "! Your account is ready.")
	return sandkit.Redirect(303, "/account")
}

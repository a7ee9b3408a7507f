// The account page, for users who logged in only: its GET shows the
// account, its POST saves the user's note.
package account

import (
	"unicode/utf8"

	"example.com/auth/users"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
	"sandkit.dev/sandkit/guest-sdk/go/form"
)

// Data is the account page's props (its user is never nil).
type Data = users.Page

// Get answers the page's data; a visitor who has not logged in is sent to
// /login?next=/account.
func Get(r *sandkit.Request) sandkit.Response {
	return auth.LoginRequired(func(r *sandkit.Request, s *auth.Session) sandkit.Response {
		p, err := users.PageOf(s)
		if err != nil {
			return users.Fail(err)
		}
		if p.User == nil { // the account was deleted: the session is stale
			s.Logout()
			return auth.RedirectToLogin(r, auth.LoginPath)
		}
		return sandkit.JSON(200, p)
	})(r)
}

// NoteForm is what the note form posts.
type NoteForm struct {
	Note string `form:"note"`
}

// Post saves the note.
func Post(r *sandkit.Request) sandkit.Response {
	return auth.LoginRequired(func(r *sandkit.Request, s *auth.Session) sandkit.Response {
		var f NoteForm
		if err := form.Bind(r, &f); err != nil {
			return sandkit.Error(400, err.Error())
		}
		if utf8.RuneCountInString(f.Note) > 500 {
			return sandkit.FormError("Please correct the form.", sandkit.FieldErrors{"note": "must be at most 500 characters"}, form.Values(&f))
		}
		u, ok, err := users.ByID(s.UserID())
		if err != nil || !ok {
			return users.Fail(err)
		}
		if err := users.SetNote(u.ID, f.Note); err != nil {
			return users.Fail(err)
		}
		s.SetFlash("Note saved.")
		return sandkit.JSON(200, map[string]string{"note": f.Note})
	})(r)
}

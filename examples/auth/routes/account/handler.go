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

// Data is the account page's props: the user logged in.
type Data = users.User

// Get answers the page's data. A visitor who has not logged in never gets
// here: the folder's Middleware (middleware.go) sends them to
// /login?next=/account (with JavaScript too: the client runtime follows
// the redirect and the URL changes).
func Get(r *sandkit.Request) sandkit.Response {
	return auth.WithSession(func(r *sandkit.Request, s *auth.Session) sandkit.Response {
		u, err := users.Current(s)
		if err != nil {
			return users.Fail(err)
		}
		if u == nil { // the account was deleted: the session is stale
			s.Logout()
			return auth.RedirectToLogin(r, auth.LoginPath)
		}
		return sandkit.JSON(200, u)
	})(r)
}

// NoteForm is what the note form posts.
type NoteForm struct {
	Note string `form:"note"`
}

// Post saves the note. The flash it sets is shown by the layout, whose
// loader runs again after the post.
func Post(r *sandkit.Request) sandkit.Response {
	return auth.WithSession(func(r *sandkit.Request, s *auth.Session) sandkit.Response {
		var f NoteForm
		if err := form.Bind(r, &f); err != nil {
			return sandkit.Error(400, err.Error())
		}
		if utf8.RuneCountInString(f.Note) > 500 {
			return sandkit.FormError("Please correct the form.", sandkit.FieldErrors{"note": "must be at most 500 characters"}, form.Values(&f))
		}
		u, err := users.Current(s)
		if err != nil || u == nil {
			return users.Fail(err)
		}
		if err := users.SetNote(u.ID, f.Note); err != nil {
			return users.Fail(err)
		}
		s.SetFlash("Note saved.")
		return sandkit.JSON(200, map[string]string{"note": f.Note})
	})(r)
}

package account

import (
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
)

// Middleware wraps every handler of /account and the folders below it (the
// page's loader and its form's action): only users who logged in get
// through; anyone else is sent to /login?next=... (spec/routing.md §8).
// The handlers load the same session with auth.WithSession.
func Middleware(next sandkit.HandlerFunc) sandkit.HandlerFunc { return auth.Required(next) }

// The route api/users/login: sign in.
package login

import (
	"example.com/conduit/api"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Post signs in with {"user":{"email","password"}} and answers a token.
func Post(r *sandkit.Request) sandkit.Response { return api.Login(r) }

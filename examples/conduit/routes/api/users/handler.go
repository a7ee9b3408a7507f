// The route api/users: register.
package users

import (
	"example.com/conduit/api"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Post registers a user: {"user":{"username","email","password"}}.
func Post(r *sandkit.Request) sandkit.Response { return api.Register(r) }

// The root layout's loader: who is signed in, for the nav of every page.
package root

import (
	"example.com/navapp/routes/_lib/cookie"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// LayoutData is what the nav shows.
type LayoutData struct {
	User *string `json:"user"`
}

// Layout answers the root layout's data. A user named "crash" makes it
// fail, to show the error page a failing layout loader gives.
func Layout(r *sandkit.Request) sandkit.Response {
	var d LayoutData
	if u := cookie.Get(r, "user"); u == "crash" {
		return sandkit.Error(503, "the session store is down")
	} else if u != "" {
		d.User = &u
	}
	return sandkit.JSON(200, d)
}

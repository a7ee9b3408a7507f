// A page for signed-in people: its loader redirects everyone else to the
// login page.
package private

import (
	"net/url"

	"example.com/navapp/routes/_lib/cookie"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Data is the page's data.
type Data struct {
	Secret string `json:"secret"`
}

// Get answers the page's data, or 303 to /login.
func Get(r *sandkit.Request) sandkit.Response {
	u := cookie.Get(r, "user")
	if u == "" {
		return sandkit.Redirect(303, "/login?next="+url.QueryEscape(r.Path()))
	}
	return sandkit.JSON(200, Data{Secret: "the secret of " + u})
}

// Signing in: a form whose refusal carries field errors (422).
package login

import (
	"net/url"
	"strings"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Data is the login page's data.
type Data struct {
	Next string `json:"next"`
}

// Get answers where to go after signing in.
func Get(r *sandkit.Request) sandkit.Response {
	return sandkit.JSON(200, Data{Next: r.QueryValue("next")})
}

// Post signs in: a cookie with the name, then 303 to next (or home).
func Post(r *sandkit.Request) sandkit.Response {
	body, err := r.ReadBody()
	if err != nil {
		return sandkit.Error(400, err.Error())
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return sandkit.Error(400, err.Error())
	}
	name := strings.TrimSpace(form.Get("name"))
	if name == "" || strings.ContainsAny(name, ";, ") {
		return sandkit.JSON(422, map[string]any{
			"error":  map[string]any{"status": 422, "message": "the form has errors", "fields": map[string]string{"name": "is required, one word"}},
			"values": map[string]string{"name": form.Get("name")},
		})
	}
	next := form.Get("next")
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		next = "/"
	}
	return sandkit.Redirect(303, next).WithHeader("Set-Cookie", "user="+name+"; Path=/; HttpOnly; SameSite=Lax")
}

// Package cookie reads the test app's cookies: "user" (who signed in) and
// "count" (the counter's value).
package cookie

import (
	"strings"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Get returns the value of the cookie name, or "".
func Get(r *sandkit.Request, name string) string {
	for _, part := range strings.Split(r.Header("Cookie"), ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && k == name {
			return v
		}
	}
	return ""
}

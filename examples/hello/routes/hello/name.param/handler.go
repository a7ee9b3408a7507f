// The route hello/name.param: a greeting built from the path parameter.
package hello

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

// Get serves GET /hello/{name}.
func Get(r *sandkit.Request) sandkit.Response {
	return sandkit.Text(200, "Hello, "+r.Param("name")+"!\n")
}

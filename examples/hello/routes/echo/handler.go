// The route echo: POST returns the request body; other methods get a 405.
package echo

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

// Post answers with the request's body and Content-Type.
func Post(r *sandkit.Request) sandkit.Response {
	body, err := r.ReadBody()
	if err != nil {
		return sandkit.Error(413, err.Error())
	}
	ct := r.Header("Content-Type")
	if ct == "" {
		ct = "application/octet-stream"
	}
	return sandkit.Bytes(200, ct, body)
}

// The route /bigresponse: a body far beyond any response limit.
package bigresponse

import (
	"bytes"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Get answers a 1 GiB body, made 64 MiB at a time if memory allows.
func Get(r *sandkit.Request) sandkit.Response {
	return sandkit.Bytes(200, "application/octet-stream", bytes.Repeat([]byte{'x'}, 1<<30))
}

// The route /echo: reads a request body of any size.
package echo

import (
	"io"
	"strconv"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Post reads the whole body and answers its length.
func Post(r *sandkit.Request) sandkit.Response {
	n, err := io.Copy(io.Discard, r.Body())
	if err != nil {
		return sandkit.Error(413, err.Error())
	}
	return sandkit.Text(200, strconv.FormatInt(n, 10))
}

// The route /logflood: logging without end.
package logflood

import (
	"strings"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Get logs 1 MiB lines until the request's deadline.
func Get(r *sandkit.Request) sandkit.Response {
	line := strings.Repeat("x", 1<<20)
	for {
		sandkit.Log(sandkit.LevelError, line)
	}
}

// The route /recurse: recursion without end.
package recurse

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

func down(n int) int { return down(n+1) + 1 }

// Get recurses until the stack (and then memory) runs out.
func Get(r *sandkit.Request) sandkit.Response {
	return sandkit.Text(200, string(rune(down(0))))
}

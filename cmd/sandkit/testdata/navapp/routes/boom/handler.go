// A page whose loader fails: its error page renders inside the layout.
package boom

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

// Get always fails.
func Get(r *sandkit.Request) sandkit.Response { return sandkit.Error(500, "the loader failed") }

// The route api/tags: the tags in use.
package tags

import (
	"example.com/conduit/api"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Get answers the tags, the most used first.
func Get(r *sandkit.Request) sandkit.Response { return api.Tags(r) }

// Input: the JSON a render function receives (the render protocol).

package pages

import "encoding/json"

// Input is what Render passes to the bundle's render function, once encoded
// with encoding/json.
type Input struct {
	// Route is the route id, e.g. "posts/[slug]".
	Route string `json:"route"`
	// URL is the request's path and query, e.g. "/posts/hello?page=2".
	URL string `json:"url"`
	// Params are the route's parameters; encoded as {} when nil.
	Params map[string]string `json:"params"`
	// Data is what the route's loader returned, as JSON; null when nil.
	Data json.RawMessage `json:"data"`
}

// MarshalJSON encodes Params as {} rather than null when it is nil.
func (in Input) MarshalJSON() ([]byte, error) {
	type plain Input
	if in.Params == nil {
		in.Params = map[string]string{}
	}
	return json.Marshal(plain(in))
}

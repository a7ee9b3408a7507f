// Input: the JSON a render function receives (the render protocol), the
// one type for it: the host builds it, the engine's examples and tests too.

package pages

import "encoding/json"

// Input is what Render passes to the bundle's render function, once encoded
// with encoding/json (spec/pages.md, "A render" and "Server bundle
// protocol"). Route, URL, Params and Data are the engine's protocol; Action,
// Error and NotFound are read by the bundles compiler.BuildPages writes, and
// are left out of the JSON when empty.
type Input struct {
	// Route is the route id, e.g. "posts/slug.param".
	Route string `json:"route"`
	// URL is the request's path and query, e.g. "/posts/hello?page=2".
	URL string `json:"url"`
	// Basename is where the host mounts the app below the root of its
	// origin ("/todo"; "" at the root): links and form actions are
	// rendered under it, while URL stays the path the app sees.
	Basename string `json:"basename,omitempty"`
	// Params are the route's parameters; encoded as {} when nil.
	Params map[string]string `json:"params"`
	// Data is what the route's loader returned, as JSON; null when nil.
	Data json.RawMessage `json:"data"`
	// Action is what the route's action answered to a form posted without
	// JavaScript, when it refused it (4xx): validation errors, typically.
	Action json.RawMessage `json:"action,omitempty"`
	// Error, when set, asks for the route's nearest error page: the
	// route's loader failed with it.
	Error *InputError `json:"error,omitempty"`
	// NotFound asks for the 404 page of a URL no route matches.
	NotFound bool `json:"notFound,omitempty"`
	// Layouts maps the folder of each layout with a loader above the page
	// ("" for routes/layout.tsx) to the JSON its loader returned (null when
	// it failed).
	Layouts map[string]json.RawMessage `json:"layouts,omitempty"`
}

// InputError is the error a 404 or error page is rendered with.
type InputError struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
}

// MarshalJSON encodes Params as {} rather than null when it is nil.
func (in Input) MarshalJSON() ([]byte, error) {
	type plain Input
	if in.Params == nil {
		in.Params = map[string]string{}
	}
	return json.Marshal(plain(in))
}

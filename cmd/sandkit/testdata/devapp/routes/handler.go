// The home page's data.
package home

import (
	"example.com/devapp/store"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Data is the home page's props.
type Data struct {
	Message  string `json:"message"`
	Greeting string `json:"greeting"`
}

// Get answers the home page's data.
func Get(r *sandkit.Request) sandkit.Response {
	return sandkit.JSON(200, Data{Message: "handler v1", Greeting: store.Greeting()})
}

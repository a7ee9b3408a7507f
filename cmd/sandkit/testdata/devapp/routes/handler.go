// The home page's data.
package home

import (
	"example.com/devapp/store"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

// Data is the home page's props.
type Data struct {
	Message  string `json:"message"`
	Greeting string `json:"greeting"`
	Notes    int64  `json:"notes"`
}

// Get answers the home page's data.
func Get(r *sandkit.Request) sandkit.Response {
	d := Data{Message: "handler v1", Greeting: store.Greeting()}
	rows, err := db.Query("SELECT count(*) FROM notes")
	if err != nil {
		return sandkit.JSON(500, map[string]string{"error": err.Error()})
	}
	if rows.Next() {
		d.Notes = rows.Int64(0)
	}
	return sandkit.JSON(200, d)
}

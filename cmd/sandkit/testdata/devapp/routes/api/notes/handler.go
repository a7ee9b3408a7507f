// GET /api/notes: the notes table, as JSON.
package notes

import (
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

// Get answers every note.
func Get(r *sandkit.Request) sandkit.Response {
	b, err := db.QueryJSON("SELECT id, body FROM notes ORDER BY id")
	if err != nil {
		return sandkit.JSON(500, map[string]string{"error": err.Error()})
	}
	return sandkit.RawJSON(200, b)
}

// The route api/todos: list todos (host-made JSON) and create one (bun).
package todos

import (
	"encoding/json"
	"strconv"

	"example.com/todo/store"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Get lists todos in id order, ?done=true|false to filter (store.List: JSON
// made by the host with db.QueryJSON, passed through).
func Get(r *sandkit.Request) sandkit.Response { return store.List(r.QueryValue("done")) }

// Post creates a todo from {"title": "..."}; a duplicate title is a 409.
func Post(r *sandkit.Request) sandkit.Response {
	body, err := r.ReadBody()
	if err != nil {
		return store.Fail(400, err.Error())
	}
	var in struct {
		Title string `json:"title"`
	}
	if err := json.Unmarshal(body, &in); err != nil || in.Title == "" {
		return store.Fail(400, `want {"title": "..."}`)
	}
	t, resp, ok := store.Create(in.Title)
	if !ok {
		return resp
	}
	return store.JSON(201, t).WithHeader("Location", "/api/todos/"+strconv.FormatInt(t.ID, 10))
}

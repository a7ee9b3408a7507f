// The route api/todos/id.param: read, update and delete one todo with bun.
package todo

import (
	"context"
	"encoding/json"

	"example.com/todo/store"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Get returns one todo.
func Get(r *sandkit.Request) sandkit.Response { return store.Get(r) }

// Patch updates the title and/or done flag from {"title": "...", "done": true}.
func Patch(r *sandkit.Request) sandkit.Response {
	t, resp, ok := store.Load(r)
	if !ok {
		return resp
	}
	body, err := r.ReadBody()
	if err != nil {
		return store.Fail(400, err.Error())
	}
	var in struct {
		Title *string `json:"title"`
		Done  *bool   `json:"done"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return store.Fail(400, `want {"title": "...", "done": true}`)
	}
	if in.Title != nil {
		t.Title = *in.Title
	}
	if in.Done != nil {
		t.Done = *in.Done
	}
	return store.Update(t, "title", "done")
}

// Delete removes the todo.
func Delete(r *sandkit.Request) sandkit.Response {
	t, resp, ok := store.Load(r)
	if !ok {
		return resp
	}
	if _, err := store.DB.NewDelete().Model(t).WherePK().Exec(context.Background()); err != nil {
		return store.Fail(500, err.Error())
	}
	return sandkit.Empty(204)
}

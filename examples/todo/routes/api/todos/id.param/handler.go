// The route api/todos/id.param: read, update and delete one todo with bun.
package todo

import (
	"context"
	"encoding/json"
	"strconv"

	"example.com/todo/store"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
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
	if _, err := store.DB.NewUpdate().Model(t).Column("title", "done").WherePK().Exec(context.Background()); err != nil {
		if db.IsUnique(err) {
			return store.Fail(409, "a todo titled "+strconv.Quote(t.Title)+" already exists")
		}
		return store.Fail(500, err.Error())
	}
	return store.JSON(200, t)
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

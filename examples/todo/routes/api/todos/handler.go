// The route api/todos: list todos (fast path) and create one (bun).
package todos

import (
	"context"
	"encoding/json"
	"strconv"

	"example.com/todo/store"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

// Get lists todos in id order, ?done=true|false to filter. It reads rows
// with the SDK's fast path and writes JSON by hand: no reflection.
func Get(r *sandkit.Request) sandkit.Response {
	q, args := "SELECT id, title, done, created_at FROM todos ORDER BY id", []any(nil)
	if d := r.QueryValue("done"); d != "" {
		done, err := strconv.ParseBool(d)
		if err != nil {
			return store.Fail(400, "done must be true or false")
		}
		q, args = "SELECT id, title, done, created_at FROM todos WHERE done = ? ORDER BY id", []any{done}
	}
	rows, err := db.Query(q, args...)
	if err != nil {
		return store.Fail(500, err.Error())
	}
	b := make([]byte, 0, 64+rows.Len()*96)
	b = append(b, '[')
	var t store.Todo
	for i := 0; rows.Next(); i++ {
		if err := rows.Scan(&t.ID, &t.Title, &t.Done, &t.CreatedAt); err != nil {
			return store.Fail(500, err.Error())
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = store.AppendJSON(b, &t)
	}
	return sandkit.RawJSON(200, append(b, ']'))
}

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
	t := &store.Todo{Title: in.Title}
	if _, err := store.DB.NewInsert().Model(t).Returning("*").Exec(context.Background()); err != nil {
		if db.IsUnique(err) {
			return store.Fail(409, "a todo titled "+strconv.Quote(in.Title)+" already exists")
		}
		if db.IsConstraint(err) {
			return store.Fail(400, "invalid todo: "+err.Error())
		}
		return store.Fail(500, err.Error())
	}
	return store.JSON(201, t).WithHeader("Location", "/api/todos/"+strconv.FormatInt(t.ID, 10))
}

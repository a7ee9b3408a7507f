// The page route todos: its GET is the list page's data, its POST the add
// form's action (form-encoded, as a browser sends it with or without
// JavaScript).
package todos

import (
	"net/url"
	"strconv"
	"strings"

	"example.com/todo/store"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Data is the JSON Get answers: the list page's props, typed for
// page.tsx by the generated ./+types (compiler.GenerateTypes).
type Data = []store.Todo

// Get is the list page's data: every todo.
func Get(r *sandkit.Request) sandkit.Response { return store.List("") }

// Post adds the todo titled by the form's "title". A missing title is a
// 422 and a duplicate a 409, both as {"error": ...}: the page shows the
// message next to the form.
func Post(r *sandkit.Request) sandkit.Response {
	body, err := r.ReadBody()
	if err != nil {
		return store.Fail(400, err.Error())
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return store.Fail(400, "a form body was expected")
	}
	title := strings.TrimSpace(form.Get("title"))
	if title == "" {
		return store.Fail(422, "a todo needs a title")
	}
	t, resp, ok := store.Create(title)
	if !ok {
		return resp
	}
	return store.JSON(201, t).WithHeader("Location", "/todos/"+strconv.FormatInt(t.ID, 10))
}

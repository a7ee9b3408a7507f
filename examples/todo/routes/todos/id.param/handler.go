// The page route todos/id.param: its GET is the todo page's data, its POST the
// form that marks the todo done or not.
package todo

import (
	"net/url"
	"strconv"

	"example.com/todo/store"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Data is the JSON Get answers, typed for page.tsx by the generated
// ./+types.
type Data = store.Todo

// Get is the todo page's data; a missing todo is a 404.
func Get(r *sandkit.Request) sandkit.Response { return store.Get(r) }

// Post sets done from the form's "done" (true or false).
func Post(r *sandkit.Request) sandkit.Response {
	t, resp, ok := store.Load(r)
	if !ok {
		return resp
	}
	body, err := r.ReadBody()
	if err != nil {
		return store.Fail(400, err.Error())
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return store.Fail(400, "a form body was expected")
	}
	done, err := strconv.ParseBool(form.Get("done"))
	if err != nil {
		return store.Fail(422, "done must be true or false")
	}
	t.Done = done
	return store.Update(t, "done")
}

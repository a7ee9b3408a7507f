package todo

import (
	"strings"
	"testing"

	"example.com/todo/store"
	"sandkit.dev/sandkit/guest-sdk/go/sandkittest"
)

// patch sends PATCH /api/todos/{id} with body.
func patch(id, body string) (int, string) {
	r := sandkittest.Do(Patch, sandkittest.NewRequest("PATCH", "/api/todos/"+id, strings.NewReader(body),
		sandkittest.Param("id", id), sandkittest.Route("api/todos/id.param")))
	return r.Status(), r.Body()
}

func TestPatch(t *testing.T) {
	sandkittest.OpenDB(t)
	for _, title := range []string{"milk", "eggs"} {
		if _, resp, ok := store.Create(title); !ok {
			t.Fatalf("create %q: %s", title, resp.Body())
		}
	}
	if status, body := patch("1", `{"done":true}`); status != 200 || !strings.Contains(body, `"title":"milk","done":true`) {
		t.Errorf("mark done: %d %s", status, body)
	}
	if status, body := patch("2", `{"title":"milk"}`); status != 409 || body != `{"error":"a todo titled \"milk\" already exists"}` {
		t.Errorf("rename to a taken title: %d %s", status, body)
	}
	if status, body := patch("9", `{"done":true}`); status != 404 || body != `{"error":"no todo 9"}` {
		t.Errorf("missing: %d %s", status, body)
	}
	if status, body := patch("x", `{}`); status != 400 {
		t.Errorf("id x: %d %s", status, body)
	}
	r := sandkittest.Do(Get, sandkittest.NewRequest("GET", "/api/todos/1", nil, sandkittest.Param("id", "1")))
	if r.Status() != 200 || !strings.Contains(r.Body(), `"done":true`) {
		t.Errorf("get after patch: %d %s", r.Status(), r.Body())
	}
}

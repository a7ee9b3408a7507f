// The JSON API's handlers, tested natively with go test on a real SQLite
// database that has the app's migrations (sandkittest.OpenDB).
package todos

import (
	"strings"
	"testing"

	"sandkit.dev/sandkit/guest-sdk/go/sandkittest"
)

type todo struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	Done      bool   `json:"done"`
	CreatedAt string `json:"created_at"`
}

func TestCreateAndList(t *testing.T) {
	sandkittest.OpenDB(t)

	resp := sandkittest.Do(Post, sandkittest.NewRequest("POST", "/api/todos", strings.NewReader(`{"title":"milk"}`)))
	var created todo
	sandkittest.DecodeJSON(t, resp, &created)
	if resp.Status() != 201 || created.ID != 1 || created.Title != "milk" || created.Done || created.CreatedAt == "" {
		t.Fatalf("create: %d %s", resp.Status(), resp.Body())
	}
	if loc := resp.Header("Location"); loc != "/api/todos/1" {
		t.Errorf("Location %q", loc)
	}

	sandkittest.Do(Post, sandkittest.NewRequest("POST", "/api/todos", strings.NewReader(`{"title":"eggs"}`)))
	var list []todo
	sandkittest.DecodeJSON(t, sandkittest.Do(Get, sandkittest.NewRequest("GET", "/api/todos", nil)), &list)
	if len(list) != 2 || list[0].Title != "milk" || list[1].Title != "eggs" {
		t.Errorf("list: %+v", list)
	}
	sandkittest.DecodeJSON(t, sandkittest.Do(Get, sandkittest.NewRequest("GET", "/api/todos?done=true", nil)), &list)
	if len(list) != 0 {
		t.Errorf("done=true: %+v", list)
	}
}

func TestDuplicateTitleIsConflict(t *testing.T) {
	sandkittest.OpenDB(t)
	sandkittest.Do(Post, sandkittest.NewRequest("POST", "/api/todos", strings.NewReader(`{"title":"milk"}`)))

	resp := sandkittest.Do(Post, sandkittest.NewRequest("POST", "/api/todos", strings.NewReader(`{"title":"milk"}`)))
	var e struct{ Error string }
	sandkittest.DecodeJSON(t, resp, &e)
	if resp.Status() != 409 || e.Error != `a todo titled "milk" already exists` {
		t.Errorf("duplicate: %d %s", resp.Status(), resp.Body())
	}
}

func TestInvalidInput(t *testing.T) {
	sandkittest.OpenDB(t)
	for body, want := range map[string]string{
		``:                    `want {"title": "..."}`,
		`{"title":""}`:        `want {"title": "..."}`,
		`{"title":7}`:         `want {"title": "..."}`,
		`{"title":"a\u0000"}`: "a title cannot contain a NUL character",
	} {
		resp := sandkittest.Do(Post, sandkittest.NewRequest("POST", "/api/todos", strings.NewReader(body)))
		var e struct{ Error string }
		sandkittest.DecodeJSON(t, resp, &e)
		if resp.Status() != 400 || e.Error != want {
			t.Errorf("%s: %d %s, want 400 %q", body, resp.Status(), resp.Body(), want)
		}
	}
	resp := sandkittest.Do(Get, sandkittest.NewRequest("GET", "/api/todos?done=maybe", nil))
	if resp.Status() != 400 {
		t.Errorf("done=maybe: %d %s", resp.Status(), resp.Body())
	}
}

// Titles holding control characters, HTML and line separators come back
// as valid JSON, from the handler's JSON and from the host-made list.
func TestOddTitlesStayJSON(t *testing.T) {
	sandkittest.OpenDB(t)
	odd := "\a\x1b[31m<b>&\u2028\"\\\x7f é"
	resp := sandkittest.Do(Post, sandkittest.NewRequest("POST", "/api/todos", strings.NewReader(`{"title":"\u0007\u001b[31m<b>&\u2028\"\\\u007f é"}`)))
	var created todo
	sandkittest.DecodeJSON(t, resp, &created)
	var list []todo
	sandkittest.DecodeJSON(t, sandkittest.Do(Get, sandkittest.NewRequest("GET", "/api/todos", nil)), &list)
	if created.Title != odd || len(list) != 1 || list[0].Title != odd {
		t.Errorf("created %q, listed %+v, want %q", created.Title, list, odd)
	}
	resp = sandkittest.Do(Post, sandkittest.NewRequest("POST", "/api/todos", strings.NewReader(`{"title":"\u0007\u001b[31m<b>&\u2028\"\\\u007f é"}`)))
	var e struct{ Error string }
	sandkittest.DecodeJSON(t, resp, &e)
	if resp.Status() != 409 || !strings.Contains(e.Error, odd) {
		t.Errorf("duplicate: %d %q", resp.Status(), e.Error)
	}
}

package todos

import (
	"strings"
	"testing"

	"sandkit.dev/sandkit/guest-sdk/go/sandkittest"
)

// The add form's action: a form-encoded POST, as a browser sends it.
func TestAddForm(t *testing.T) {
	sandkittest.OpenDB(t)
	form := func(body string) (int, string) {
		r := sandkittest.Do(Post, sandkittest.NewRequest("POST", "/todos", strings.NewReader(body),
			sandkittest.Header("Content-Type", "application/x-www-form-urlencoded")))
		return r.Status(), r.Body()
	}
	if status, body := form("title=+milk+"); status != 201 || !strings.Contains(body, `"title":"milk"`) {
		t.Errorf("add: %d %s", status, body)
	}
	if status, body := form("title=+"); status != 422 || body != `{"error":"a todo needs a title"}` {
		t.Errorf("blank title: %d %s", status, body)
	}
	if status, body := form("title=milk"); status != 409 {
		t.Errorf("duplicate: %d %s", status, body)
	}
}

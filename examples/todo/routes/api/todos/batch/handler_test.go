package batch

import (
	"strings"
	"testing"

	"example.com/todo/store"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/sandkittest"
)

// One duplicate in a batch and none of it is created: the transaction is
// rolled back on the real database.
func TestBatchAllOrNothing(t *testing.T) {
	sandkittest.OpenDB(t)
	batch := func(body string) (int, string) {
		r := sandkittest.Do(Post, sandkittest.NewRequest("POST", "/api/todos/batch", strings.NewReader(body)))
		return r.Status(), r.Body()
	}
	if status, body := batch(`{"titles":["a","b"]}`); status != 201 || body != `{"created":2}` {
		t.Fatalf("batch: %d %s", status, body)
	}
	if status, body := batch(`{"titles":["c","a","d"]}`); status != 409 || !strings.Contains(body, `a todo titled \"a\" already exists; none of the batch was created`) {
		t.Errorf("batch with a duplicate: %d %s", status, body)
	}
	var list []struct{ Title string }
	sandkittest.DecodeJSON(t, sandkittest.Do(func(*sandkit.Request) sandkit.Response { return store.List("") }, sandkittest.NewRequest("GET", "/api/todos", nil)), &list)
	if len(list) != 2 {
		t.Errorf("after the failed batch: %+v, want only a and b", list)
	}
}

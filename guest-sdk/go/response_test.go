//go:build !wasip1

package sandkit

import (
	"strings"
	"testing"
)

// expectResponse checks one response's status, headers (in order) and body.
func expectResponse(t *testing.T, name string, r Response, status int, headers, body string) {
	t.Helper()
	var hs []string
	for n, v := range r.Headers() {
		hs = append(hs, n+": "+v)
	}
	if got := strings.Join(hs, "; "); r.Status() != status || got != headers || r.Body() != body {
		t.Errorf("%s:\n got %d [%s] %q\nwant %d [%s] %q", name, r.Status(), got, r.Body(), status, headers, body)
	}
}

func TestConstructors(t *testing.T) {
	b := []byte(`{"a":1}`)
	expectResponse(t, "Text", Text(200, "hi"), 200, "Content-Type: text/plain; charset=utf-8", "hi")
	expectResponse(t, "HTML", HTML(201, "<p>"), 201, "Content-Type: text/html; charset=utf-8", "<p>")
	expectResponse(t, "Bytes", Bytes(200, "image/png", []byte{1, 2}), 200, "Content-Type: image/png", "\x01\x02")
	expectResponse(t, "Bytes no type", Bytes(200, "", nil), 200, "", "")
	expectResponse(t, "RawJSON", RawJSON(200, b), 200, "Content-Type: application/json", `{"a":1}`)
	expectResponse(t, "JSON", JSON(200, map[string]any{"b": []int{1, 2}, "a": "x"}), 200, "Content-Type: application/json", `{"a":"x","b":[1,2]}`)
	expectResponse(t, "Redirect", Redirect(303, "/done"), 303, "Location: /done", "")
	expectResponse(t, "Error", Error(404, "no such post"), 404,
		"Content-Type: text/plain; charset=utf-8; X-Content-Type-Options: nosniff", "no such post\n")
	expectResponse(t, "Empty", Empty(204), 204, "", "")
	expectResponse(t, "zero", Response{}, 200, "", "")
}

func TestJSONFailureIs500(t *testing.T) {
	native = nativeHost{capture: true}
	t.Cleanup(func() { native = nativeHost{} })
	r := JSON(200, func() {})
	if r.Status() != 500 || len(native.logs) != 1 || !strings.Contains(native.logs[0], "unsupported type") {
		t.Errorf("status %d logs %q", r.Status(), native.logs)
	}
}

func TestWithHeaderCopies(t *testing.T) {
	base := Text(200, "x").WithHeader("X-A", "1")
	a := base.WithHeader("X-B", "a")
	b := base.WithHeader("X-B", "b")
	expectResponse(t, "base", base, 200, "Content-Type: text/plain; charset=utf-8; X-A: 1", "x")
	expectResponse(t, "a", a, 200, "Content-Type: text/plain; charset=utf-8; X-A: 1; X-B: a", "x")
	expectResponse(t, "b", b, 200, "Content-Type: text/plain; charset=utf-8; X-A: 1; X-B: b", "x")
	expectResponse(t, "content-type replaces", a.WithHeader("content-type", "text/csv"), 200, "Content-Type: text/csv; X-A: 1; X-B: a", "x")
	if got := a.Header("x-b"); got != "a" {
		t.Errorf(`Header("x-b") = %q`, got)
	}
}

func TestConstructorsDoNotAllocate(t *testing.T) {
	b := []byte("{}")
	var sink Response
	if n := testing.AllocsPerRun(100, func() { sink = Text(200, "hi"); sink = RawJSON(200, b) }); n != 0 {
		t.Errorf("Text+RawJSON: %.0f allocations, want 0", n)
	}
	_ = sink
}

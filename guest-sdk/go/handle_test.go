//go:build !wasip1

package sandkit

import (
	"encoding/json"
	"io"
	"strings"
	"testing"

	"sandkit.dev/sandkit/abi"
)

// result is what one natively served request produced.
type result struct {
	rc      int32
	status  int32
	headers []abi.Pair
	body    string
	logs    []string
}

func (r result) header(name string) string {
	for _, p := range r.headers {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

// withRoutes replaces the route table for the duration of the test.
func withRoutes(t *testing.T, table map[string]Methods) {
	t.Helper()
	saved := routes
	routes = map[string]*route{}
	t.Cleanup(func() { routes = saved })
	for id, m := range table {
		Handle(id, m)
	}
}

// serve runs one request through handle with the native host.
func serve(t *testing.T, head abi.RequestHead, body string) result {
	t.Helper()
	native = nativeHost{slot: abi.AppendRequestHead(nil, &head), body: []byte(body), capture: true}
	t.Cleanup(func() { native = nativeHost{} })
	rc := handle(int32(len(native.slot)))
	if len(arena) != 0 {
		t.Errorf("arena holds %d slices after the request", len(arena))
	}
	return result{rc: rc, status: native.status, headers: native.headers, body: string(native.out), logs: native.logs}
}

func get(route, path string) abi.RequestHead {
	return abi.RequestHead{Method: "GET", Route: route, Path: path, ContentLength: -1, RequestID: "r1"}
}

func hello(r *Request) Response { return Text(200, "hello "+r.Param("name")) }

func TestDispatch(t *testing.T) {
	echo := func(r *Request) Response {
		b, err := r.ReadBody()
		if err != nil {
			return Error(400, err.Error())
		}
		return Bytes(201, r.Header("content-type"), b)
	}
	withRoutes(t, map[string]Methods{
		"":                 {Get: func(*Request) Response { return Text(200, "root") }},
		"hello/name.param": {Get: hello},
		"echo":             {Post: echo, Delete: echo},
	})
	tests := []struct {
		name       string
		method, rt string
		wantStatus int32
		wantBody   string
		wantAllow  string
		wantCType  string
		reqBody    string
		reqHeaders []abi.Pair
		reqParams  []abi.Pair
	}{
		{name: "root", method: "GET", rt: "", wantStatus: 200, wantBody: "root", wantCType: contentText},
		{name: "param", method: "GET", rt: "hello/name.param", reqParams: []abi.Pair{{Name: "name", Value: "Ada"}}, wantStatus: 200, wantBody: "hello Ada"},
		{name: "head uses get", method: "HEAD", rt: "hello/name.param", wantStatus: 200, wantBody: "hello "},
		{name: "405 lists methods", method: "GET", rt: "echo", wantStatus: 405, wantBody: `{"error":{"status":405,"message":"method not allowed"}}`, wantAllow: "POST, DELETE"},
		{name: "405 for get-only route", method: "PUT", rt: "", wantStatus: 405, wantAllow: "GET, HEAD", wantBody: `{"error":{"status":405,"message":"method not allowed"}}`},
		{name: "methods are case-sensitive", method: "get", rt: "", wantStatus: 405, wantAllow: "GET, HEAD", wantBody: `{"error":{"status":405,"message":"method not allowed"}}`},
		{name: "unknown route", method: "GET", rt: "nope", wantStatus: 404, wantBody: `{"error":{"status":404,"message":"no handler for this route"}}`},
		{name: "post echoes body", method: "POST", rt: "echo", reqBody: strings.Repeat("x", 3000),
			reqHeaders: []abi.Pair{{Name: "Content-Type", Value: "application/x-test"}},
			wantStatus: 201, wantBody: strings.Repeat("x", 3000), wantCType: "application/x-test"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := abi.RequestHead{Method: tt.method, Route: tt.rt, Params: tt.reqParams, Headers: tt.reqHeaders, ContentLength: int64(len(tt.reqBody))}
			got := serve(t, head, tt.reqBody)
			if got.rc != 0 || got.status != tt.wantStatus || got.body != tt.wantBody {
				t.Fatalf("rc=%d status=%d body=%q; want rc=0 status=%d body=%q", got.rc, got.status, got.body, tt.wantStatus, tt.wantBody)
			}
			if a := got.header("Allow"); a != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", a, tt.wantAllow)
			}
			if tt.wantCType != "" && got.header("Content-Type") != tt.wantCType {
				t.Errorf("Content-Type = %q, want %q", got.header("Content-Type"), tt.wantCType)
			}
		})
	}
}

func TestFallback(t *testing.T) {
	withRoutes(t, map[string]Methods{
		"api":    {Get: func(*Request) Response { return Text(200, "api") }},
		Fallback: {Get: func(r *Request) Response { return Text(200, "fallback for "+r.Route()) }},
	})
	for route, want := range map[string]string{"api": "api", "x/y.param": "fallback for x/y.param", "": "fallback for "} {
		if got := serve(t, get(route, "/"), ""); got.status != 200 || got.body != want {
			t.Errorf("route %q: status %d body %q, want 200 %q", route, got.status, got.body, want)
		}
	}
}

func TestPanicIsRecovered(t *testing.T) {
	withRoutes(t, map[string]Methods{
		"boom": {Get: func(*Request) Response { panic("kaboom") }},
		"nil":  {Get: func(*Request) Response { panic(nil) }},
	})
	for _, rt := range []string{"boom", "nil"} {
		got := serve(t, get(rt, "/"+rt), "")
		if got.rc == 0 {
			t.Fatalf("%s: handle returned 0 after a panic", rt)
		}
		if got.status != 0 || got.body != "" {
			t.Errorf("%s: a response was written after a panic: %d %q", rt, got.status, got.body)
		}
		if len(got.logs) != 1 || !strings.HasPrefix(got.logs[0], "8 sandkit: panic in GET handler of route \""+rt+"\"") ||
			!strings.Contains(got.logs[0], "handle_test.go") {
			t.Errorf("%s: logs = %q, want one error record with the panic and its stack", rt, got.logs)
		}
	}
	// The instance keeps serving after a panic.
	withRoutes(t, map[string]Methods{"ok": {Get: hello}})
	if got := serve(t, get("ok", "/"), ""); got.rc != 0 || got.status != 200 {
		t.Errorf("after a panic: rc=%d status=%d", got.rc, got.status)
	}
}

func TestBadHead(t *testing.T) {
	withRoutes(t, map[string]Methods{"": {Get: hello}})
	native = nativeHost{slot: []byte{1, 2, 3}, capture: true}
	t.Cleanup(func() { native = nativeHost{} })
	if rc := handle(3); rc != handleBadHead {
		t.Errorf("malformed head: rc = %d, want %d", rc, handleBadHead)
	}
	if rc := handle(-1); rc != handleBadHead {
		t.Errorf("negative length: rc = %d, want %d", rc, handleBadHead)
	}
	if rc := handle(abi.MaxHead + 1); rc != handleBadHead {
		t.Errorf("huge length: rc = %d, want %d", rc, handleBadHead)
	}
	if native.status != 0 || len(native.logs) != 3 {
		t.Errorf("status %d, logs %q", native.status, native.logs)
	}
}

func TestRefusedHeaderFails(t *testing.T) {
	withRoutes(t, map[string]Methods{"": {Get: func(*Request) Response {
		return Text(200, "x").WithHeader("X-Bad", "a\r\nb")
	}}})
	got := serve(t, get("", "/"), "")
	if got.rc != handleWriteFail || len(got.logs) != 1 || !strings.Contains(got.logs[0], `header "X-Bad" refused (bad input)`) {
		t.Errorf("rc=%d logs=%q", got.rc, got.logs)
	}
}

func TestHandleRejectsMisuse(t *testing.T) {
	withRoutes(t, map[string]Methods{"a": {Get: hello}})
	for name, f := range map[string]func(){
		"twice": func() { Handle("a", Methods{Get: hello}) },
		"empty": func() { Handle("b", Methods{}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: Handle did not panic", name)
				}
			}()
			f()
		}()
	}
}

func TestRequestAccessors(t *testing.T) {
	var r Request
	r.head = abi.RequestHead{
		Method: "GET", Route: "posts/slug.param", Path: "/posts/a b", Query: "q=x%20y&q=2&n=1",
		Params:        []abi.Pair{{Name: "slug", Value: "a b"}},
		Headers:       []abi.Pair{{Name: "Accept", Value: "text/html"}, {Name: "X-Multi", Value: "1"}, {Name: "X-Multi", Value: "2"}},
		ContentLength: -1, RequestID: "req-7",
	}
	checks := map[string][2]string{
		"Param":       {r.Param("slug"), "a b"},
		"Param miss":  {r.Param("nope"), ""},
		"QueryValue":  {r.QueryValue("q"), "x y"},
		"Query all":   {strings.Join(r.Query()["q"], ","), "x y,2"},
		"Header fold": {r.Header("accept"), "text/html"},
		"Header 1st":  {r.Header("X-Multi"), "1"},
		"RequestID":   {r.RequestID(), "req-7"},
		"Route":       {r.Route(), "posts/slug.param"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
	n := 0
	for range r.Headers() {
		n++
	}
	if n != 3 {
		t.Errorf("Headers yielded %d pairs, want 3", n)
	}
}

func TestBodyStreamsAndLimits(t *testing.T) {
	native = nativeHost{body: []byte("hello world")}
	t.Cleanup(func() { native = nativeHost{} })
	var r Request
	r.head.ContentLength = -1
	p := make([]byte, 4)
	var chunks []string
	for {
		n, err := r.Body().Read(p)
		if n > 0 {
			chunks = append(chunks, string(p[:n]))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := strings.Join(chunks, "|"); got != "hell|o wo|rld" {
		t.Errorf("chunks = %q", got)
	}

	native = nativeHost{body: []byte(strings.Repeat("z", 100)), bodyMax: 10}
	r.reset()
	if _, err := r.ReadBody(); err != ErrBodyTooLarge {
		t.Errorf("ReadBody over the limit: err = %v, want ErrBodyTooLarge", err)
	}
}

func TestEnv(t *testing.T) {
	native = nativeHost{env: map[string]string{"GREETING": "hi", "EMPTY": ""}}
	t.Cleanup(func() { native = nativeHost{} })
	for key, want := range map[string]struct {
		v  string
		ok bool
	}{"GREETING": {"hi", true}, "EMPTY": {"", true}, "MISSING": {"", false}} {
		if v, ok := Env(key); v != want.v || ok != want.ok {
			t.Errorf("Env(%q) = %q, %v; want %q, %v", key, v, ok, want.v, want.ok)
		}
	}
}

func TestAllocsPerRequest(t *testing.T) {
	withRoutes(t, map[string]Methods{"hello/name.param": {Get: func(r *Request) Response { return Text(200, "hi") }}})
	head := abi.RequestHead{Method: "GET", Route: "hello/name.param", Path: "/hello/Ada",
		Params: []abi.Pair{{Name: "name", Value: "Ada"}}, Headers: []abi.Pair{{Name: "Accept", Value: "*/*"}, {Name: "Host", Value: "x"}}}
	slot := abi.AppendRequestHead(nil, &head)
	native = nativeHost{slot: slot, out: make([]byte, 0, 64), headers: make([]abi.Pair, 0, 4)}
	t.Cleanup(func() { native = nativeHost{} })
	allocs := testing.AllocsPerRun(100, func() {
		native.out, native.headers, native.started = native.out[:0], native.headers[:0], false
		if rc := handle(int32(len(slot))); rc != 0 {
			t.Fatal(rc)
		}
	})
	// The head decoder copies each string out of the buffer (abi.DecodeRequestHead):
	// 5 strings, 3 pairs (6 strings), 2 pair slices. The SDK adds none of its own.
	if allocs > 13 {
		t.Errorf("%.0f allocations per request, want <= 13", allocs)
	}
	t.Logf("%.0f allocations per request", allocs)
}

// TestHostErrorIsJSON: the SDK's own error answers are valid JSON in the
// host's shape whatever the message holds.
func TestHostErrorIsJSON(t *testing.T) {
	r := hostError(404, "no \"route\" \a\x1b\xff <here>")
	var got struct {
		Error struct {
			Status  int
			Message string
		}
	}
	if err := json.Unmarshal([]byte(r.Body()), &got); err != nil {
		t.Fatalf("%q: %v", r.Body(), err)
	}
	if got.Error.Status != 404 || got.Error.Message != "no \"route\" \a\x1b\ufffd <here>" || r.Header("Content-Type") != "application/json" {
		t.Errorf("%+v, %s", got, r.Header("Content-Type"))
	}
}

// A value a middleware attaches reaches the handler it wraps, and is gone
// at the next request.
func TestRequestValues(t *testing.T) {
	type userKey struct{}
	type otherKey struct{}
	var seen []any
	withRoutes(t, map[string]Methods{
		"a": {Get: func(r *Request) Response {
			seen = append(seen, r.Value(userKey{}))
			if r.Header("X-User") != "" {
				r.SetValue(userKey{}, "first")
				r.SetValue(otherKey{}, 7)
				r.SetValue(userKey{}, r.Header("X-User")) // replaces
				seen = append(seen, r.Value(userKey{}), r.Value(otherKey{}))
			}
			return Text(200, "")
		}},
		"b": {Get: func(r *Request) Response {
			seen = append(seen, r.Value(userKey{}), r.Value(otherKey{}))
			return Text(200, "")
		}},
	})
	head := get("a", "/a")
	head.Headers = []abi.Pair{{Name: "X-User", Value: "ada"}}
	serve(t, head, "")
	var r Request
	r.SetValue(userKey{}, "x")
	if r.Value(userKey{}) != "x" || r.Value(otherKey{}) != nil || r.Value("userKey") != nil {
		t.Errorf("Value on a Request of its own: %v %v %v", r.Value(userKey{}), r.Value(otherKey{}), r.Value("userKey"))
	}
	if len(current.values) != 0 {
		t.Errorf("after the request the SDK's request still holds %d values", len(current.values))
	}
	serve(t, get("b", "/b"), "")
	if len(seen) != 5 || seen[0] != nil || seen[1] != "ada" || seen[2] != 7 || seen[3] != nil || seen[4] != nil {
		t.Errorf("values seen %v, want [<nil> ada 7 <nil> <nil>] (none before they are set; dropped between requests)", seen)
	}
}

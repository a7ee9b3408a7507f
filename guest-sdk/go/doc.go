// Package sandkit is the Go guest SDK: what a route handler imports to run
// inside the sandkit host as a WebAssembly module.
//
// A route's handler.go is an ordinary Go package that defines one exported
// function per HTTP method it serves. The sandkit compiler finds those
// functions, registers them with [Handle] in generated code, and builds every
// route of an app into one WebAssembly module:
//
//	// routes/hello/name.param/handler.go
//	package hello
//
//	import sandkit "sandkit.dev/sandkit/guest-sdk/go"
//
//	func Get(r *sandkit.Request) sandkit.Response {
//		return sandkit.Text(200, "Hello, "+r.Param("name")+"!\n")
//	}
//
//	func Post(r *sandkit.Request) sandkit.Response {
//		body, err := r.ReadBody()
//		if err != nil {
//			return sandkit.Error(400, err.Error())
//		}
//		return sandkit.Bytes(200, r.Header("Content-Type"), body)
//	}
//
// Function names are Get, Post, Put, Patch, Delete and Options; each has the
// type [HandlerFunc]. HEAD requests use Get (the host drops the body). A
// method without a function is answered 405 with an Allow header, and a
// request for a route id nobody registered is answered 404.
//
// A standalone handler.wasm (one route, built by hand rather than by the
// compiler) registers its functions in init under the fallback route id "*":
//
//	package main
//
//	import sandkit "sandkit.dev/sandkit/guest-sdk/go"
//
//	func init() {
//		sandkit.Handle("*", sandkit.Methods{Get: func(r *sandkit.Request) sandkit.Response {
//			return sandkit.Text(200, "hi\n")
//		}})
//	}
//
//	func main() {}
//
// and is built as a WASI reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o handler.wasm .
//
// # Responses
//
// A [Response] is a value built by a constructor ([Text], [HTML], [Bytes],
// [RawJSON], [JSON], [Redirect], [Error], [Empty]) and refined with
// [Response.WithHeader], which returns a copy. [RawJSON] sends bytes that are
// already JSON and is the fast path; [JSON] encodes any value with
// encoding/json, which uses reflection and costs about ten times as much in
// wasm as natively. Prefer hand-built or pre-encoded JSON on hot routes.
//
// # JSON by hand
//
// A [JSONBuilder] builds an object or array without reflection, writing
// the commas and colons itself; [AppendJSONString] and [AppendJSONFloat]
// append single values for code that builds its bytes with append:
//
//	var j sandkit.JSONBuilder
//	j.Object().Key("error").String(msg).EndObject()
//	return sandkit.RawJSON(409, j.Bytes())
//
// Both write strings exactly as encoding/json does: valid JSON whatever the
// string holds, safe inside HTML, and each byte that is not UTF-8 replaced
// by U+FFFD. Do not quote JSON strings with strconv.Quote or
// strconv.AppendQuote: they write Go escapes such as \a, \x1b and \xff,
// which are not JSON, so a title holding a control character or a bad byte
// would make the answer unreadable to every JSON parser.
//
// # The request
//
// A [*Request] is valid only until the handler returns; do not keep it, or
// anything read through [Request.Body], for a later request. Handlers run one
// at a time per instance, and an instance serves many requests over its life,
// so package variables survive between requests: use them for caches, never
// for one user's data.
//
// # Database
//
// Each app has its own SQLite database. The subpackage
// sandkit.dev/sandkit/guest-sdk/go/db reaches it: a database/sql driver
// (so bun with sqlitedialect works as natively) and a fast path,
// db.Query and Rows.Scan, that decodes rows without reflection.
//
// # Cookies, forms and logins
//
// [Request.Cookie] reads a cookie; [NewCookie] makes one with safe
// defaults (Path=/, HttpOnly, SameSite=Lax) and [Response.WithCookie] sets
// it, once per call. A refused form is answered with [FormError], in the
// shape pages read as action data (spec/routing.md §7.1). Two subpackages,
// kept apart so that handlers that do not use them stay small:
// sandkit.dev/sandkit/guest-sdk/go/form binds a JSON or HTML form body to a
// struct, and sandkit.dev/sandkit/guest-sdk/go/auth keeps sessions in the
// app's database, hashes passwords and refuses cross-site posts.
//
// # Failures
//
// A panic inside a handler is recovered, logged at error level with its
// stack, and answered 500 by the host. [Log] and its helpers write records to
// the host's log, which adds the app, route and request id. [Env] reads the
// app's [env] configuration; the host's own environment is never visible.
//
// # Testing handlers
//
// The package builds natively too (without the host imports), so handlers
// are tested with plain go test, no wasm involved. The package
// sandkit.dev/sandkit/guest-sdk/go/sandkittest builds a request (method,
// path and query, route parameters, headers, cookies, body), calls the
// handler function and returns its [Response]; sandkittest.OpenDB gives the
// handlers a fresh SQLite database with the app's migrations applied,
// served by the host's own database code (its SQL policy and limits):
//
//	func TestPost(t *testing.T) {
//		sandkittest.OpenDB(t)
//		req := sandkittest.NewRequest("POST", "/api/todos", strings.NewReader(`{"title":"milk"}`))
//		resp := sandkittest.Do(Post, req)
//		if resp.Status() != 201 {
//			t.Fatalf("%d %s", resp.Status(), resp.Body())
//		}
//	}
//
// [Response.Status], [Response.Header] and [Response.Body] show what the
// host would send. examples/todo's handler_test.go files test creation,
// listing, a 409 conflict and validation errors this way.
package sandkit

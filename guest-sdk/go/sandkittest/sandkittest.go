//go:build !wasip1

// Package sandkittest tests an app's Go handlers with plain go test,
// natively (no wasm, no host process): it builds requests, calls handler
// functions, and gives them a real SQLite database with the app's
// migrations applied, run under the host's policy and limits.
//
// A test beside a route's handler.go:
//
//	func TestPost(t *testing.T) {
//		sandkittest.OpenDB(t) // the app's migrations on a fresh database
//
//		req := sandkittest.NewRequest("POST", "/api/todos", strings.NewReader(`{"title":"milk"}`),
//			sandkittest.Header("Content-Type", "application/json"))
//		resp := sandkittest.Do(Post, req)
//
//		if resp.Status() != 201 {
//			t.Fatalf("status %d: %s", resp.Status(), resp.Body())
//		}
//		var got struct{ Title string }
//		sandkittest.DecodeJSON(t, resp, &got)
//	}
//
// [NewRequest] takes what the host would deliver: the method, the URL path
// and query, the route parameters ([Param]), headers ([Header], [Cookie]),
// the body, and the route id ([Route]). The handler returns a
// sandkit.Response, whose Status, Header, Headers and Body methods show
// what the host would send.
//
// [OpenDB] makes the database: a fresh file in a temporary folder, with
// every migration of the app (the folder holding sandkit.toml, found by
// walking up from the test's package) applied, served through the same
// code the host uses (sandkit.dev/sandkit/host/dbtest), so a handler's SQL
// meets the host's SQL policy, limits and error codes. The app's own data/
// is never touched. [Do] ends each request as the host does: a transaction
// the handler left open is rolled back.
//
// The database is one per process at a time (package db's native host is
// global): tests that call OpenDB must not run in parallel with each other.
package sandkittest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"sandkit.dev/sandkit/abi"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
	"sandkit.dev/sandkit/guest-sdk/go/internal/testhook"
	"sandkit.dev/sandkit/host/dbtest"
)

// An Option sets part of a request made by [NewRequest].
type Option func(*request)

type request struct {
	head      abi.RequestHead
	cookies   []string
	bodyLimit int
}

// Param sets the route parameter name (the folder name without its
// suffix: "id" for id.param) to value, as the host's router would.
func Param(name, value string) Option {
	return func(r *request) { r.head.Params = append(r.head.Params, abi.Pair{Name: name, Value: value}) }
}

// Header adds the request header name: value. Call it several times for a
// header with several values.
func Header(name, value string) Option {
	return func(r *request) {
		r.head.Headers = append(r.head.Headers, abi.Pair{Name: canonical(name), Value: value})
	}
}

// Cookie adds the cookie name=value to the request's Cookie header.
func Cookie(name, value string) Option {
	return func(r *request) { r.cookies = append(r.cookies, name+"="+value) }
}

// Route sets the route id the request is for (the route's folder under
// routes/: "api/todos/id.param"); without it, Request.Route is "".
func Route(id string) Option {
	return func(r *request) { r.head.Route = id }
}

// BodyLimit makes reading the body fail with sandkit.ErrBodyTooLarge after
// n bytes, as the host's limits.body_bytes does; by default there is no
// limit.
func BodyLimit(n int) Option {
	return func(r *request) { r.bodyLimit = n }
}

// NewRequest returns the request a handler would receive for method and
// target, a path with an optional query ("/api/todos?done=true"), and body
// (nil for none), read in full now. Its Content-Length is the body's
// length, its RequestID "sandkittest". It panics if target is not a path,
// as a test with a malformed literal is broken.
func NewRequest(method, target string, body io.Reader, opts ...Option) *sandkit.Request {
	u, err := url.ParseRequestURI(target)
	if err != nil || u.Host != "" || !strings.HasPrefix(target, "/") {
		panic(fmt.Sprintf("sandkittest.NewRequest: target %q is not a path with an optional query", target))
	}
	var data []byte
	if body != nil {
		if data, err = io.ReadAll(body); err != nil {
			panic("sandkittest.NewRequest: reading the body: " + err.Error())
		}
	}
	r := &request{head: abi.RequestHead{
		Method:        method,
		Path:          u.Path,
		Query:         u.RawQuery,
		ContentLength: int64(len(data)),
		RequestID:     "sandkittest",
	}}
	for _, o := range opts {
		o(r)
	}
	if len(r.cookies) > 0 {
		r.head.Headers = append(r.head.Headers, abi.Pair{Name: "Cookie", Value: strings.Join(r.cookies, "; ")})
	}
	return testhook.NewRequest(r.head, data, r.bodyLimit).(*sandkit.Request)
}

// canonical is the header name as the host delivers it: Content-Type.
func canonical(name string) string {
	b := []byte(name)
	upper := true
	for i, c := range b {
		if upper && 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		} else if !upper && 'A' <= c && c <= 'Z' {
			b[i] = c - 'A' + 'a'
		}
		upper = c == '-'
	}
	return string(b)
}

// open is the database OpenDB opened and Do ends requests on.
var open struct {
	sync.Mutex
	db *dbtest.DB
	t  testing.TB
}

// OpenDB gives the handlers under test a fresh SQLite database with the
// app's migrations applied, and closes it when the test ends. The app is
// the nearest folder at or above the test's working directory (its
// package folder) that holds sandkit.toml. It fails the test if there is
// none, if a migration fails, or if another test's database is still
// open.
func OpenDB(t testing.TB) *dbtest.DB {
	t.Helper()
	dir, err := appDir()
	if err != nil {
		t.Fatal("sandkittest.OpenDB: ", err)
	}
	return OpenDBAt(t, dir)
}

// OpenDBAt is [OpenDB] for the app in appDir.
func OpenDBAt(t testing.TB, appDir string) *dbtest.DB {
	t.Helper()
	open.Lock()
	defer open.Unlock()
	if open.db != nil {
		t.Fatalf("sandkittest.OpenDB: the database of %s is still open; tests that open one cannot run in parallel", open.t.Name())
	}
	tdb, err := dbtest.New(context.Background(), appDir)
	if err != nil {
		t.Fatalf("sandkittest.OpenDB: %s: %v", appDir, err)
	}
	open.db, open.t = tdb, t
	db.SetNativeHost(tdb)
	t.Cleanup(func() {
		open.Lock()
		defer open.Unlock()
		db.SetNativeHost(nil)
		open.db, open.t = nil, nil
		if err := tdb.Close(); err != nil {
			t.Errorf("sandkittest: closing the database: %v", err)
		}
	})
	return tdb
}

// appDir finds the folder of sandkit.toml at or above the working directory.
func appDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "sandkit.toml")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no sandkit.toml in " + wd + " or a folder above it")
		}
		dir = parent
	}
}

// Do calls handler with req and returns its response, then ends the
// request as the host does: if a database is open ([OpenDB]), a
// transaction the handler left open is rolled back and its connection
// given back. A panic in the handler is not recovered: it fails the test
// with its stack (the host would answer 500).
func Do(handler sandkit.HandlerFunc, req *sandkit.Request) sandkit.Response {
	defer func() {
		open.Lock()
		if open.db != nil {
			open.db.EndRequest()
		}
		open.Unlock()
	}()
	return handler(req)
}

// DecodeJSON checks that resp is JSON (Content-Type application/json and a
// valid body) and decodes its body into v, failing the test otherwise.
func DecodeJSON(t testing.TB, resp sandkit.Response, v any) {
	t.Helper()
	if ct := resp.Header("Content-Type"); ct != "application/json" && !strings.HasPrefix(ct, "application/json;") {
		t.Fatalf("response %d has Content-Type %q, want application/json: %s", resp.Status(), ct, resp.Body())
	}
	body := []byte(resp.Body())
	if !json.Valid(body) {
		t.Fatalf("response %d is not valid JSON: %q", resp.Status(), body)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		t.Fatalf("response %d: decoding %s: %v", resp.Status(), body, err)
	}
}

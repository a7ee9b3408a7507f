package sandkittest_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
	"sandkit.dev/sandkit/guest-sdk/go/sandkittest"
)

func TestNewRequest(t *testing.T) {
	req := sandkittest.NewRequest("PATCH", "/posts/hello%20world?x=1&x=2&y=%C3%A9", strings.NewReader("the body"),
		sandkittest.Param("slug", "hello world"),
		sandkittest.Header("content-type", "text/plain"),
		sandkittest.Header("X-Many", "a"), sandkittest.Header("x-many", "b"),
		sandkittest.Cookie("session", "abc"), sandkittest.Cookie("theme", "dark"),
		sandkittest.Route("posts/slug.param"))
	for _, c := range [][2]string{
		{req.Method(), "PATCH"},
		{req.Path(), "/posts/hello world"},
		{req.RawQuery(), "x=1&x=2&y=%C3%A9"},
		{strings.Join(req.Query()["x"], ","), "1,2"},
		{req.QueryValue("y"), "é"},
		{req.Param("slug"), "hello world"},
		{req.Route(), "posts/slug.param"},
		{req.Header("Content-Type"), "text/plain"},
		{req.Header("Cookie"), "session=abc; theme=dark"},
		{req.RequestID(), "sandkittest"},
	} {
		if c[0] != c[1] {
			t.Errorf("got %q, want %q", c[0], c[1])
		}
	}
	var many []string
	for name, value := range req.Headers() {
		if name == "X-Many" {
			many = append(many, value)
		}
	}
	if strings.Join(many, ",") != "a,b" {
		t.Errorf("X-Many: %q", many)
	}
	if req.ContentLength() != 8 {
		t.Errorf("ContentLength %d", req.ContentLength())
	}
	b, err := req.ReadBody()
	if string(b) != "the body" || err != nil {
		t.Errorf("ReadBody: %q, %v", b, err)
	}
	if b, err := io.ReadAll(req.Body()); len(b) != 0 || err != nil {
		t.Errorf("second read: %q, %v", b, err)
	}

	empty := sandkittest.NewRequest("GET", "/", nil)
	if b, err := empty.ReadBody(); len(b) != 0 || err != nil || empty.ContentLength() != 0 {
		t.Errorf("no body: %q, %v, %d", b, err, empty.ContentLength())
	}
}

func TestBodyLimit(t *testing.T) {
	for _, c := range []struct {
		body    string
		wantErr error
	}{{"12345", nil}, {"123456", sandkit.ErrBodyTooLarge}} {
		req := sandkittest.NewRequest("POST", "/", strings.NewReader(c.body), sandkittest.BodyLimit(5))
		if _, err := req.ReadBody(); !errors.Is(err, c.wantErr) {
			t.Errorf("%d bytes over a limit of 5: %v, want %v", len(c.body), err, c.wantErr)
		}
	}
}

func TestNewRequestRefusesBadTarget(t *testing.T) {
	for _, target := range []string{"", "posts", "http://example.com/x", "?q=1"} {
		func() {
			defer func() {
				if v, _ := recover().(string); !strings.Contains(v, "is not a path") {
					t.Errorf("target %q: panic %q", target, v)
				}
			}()
			sandkittest.NewRequest("GET", target, nil)
		}()
	}
}

// notesApp writes an app folder with one migration.
func notesApp(t *testing.T) string {
	app := t.TempDir()
	os.MkdirAll(filepath.Join(app, "migrations"), 0o755)
	os.WriteFile(filepath.Join(app, "sandkit.toml"), []byte("name = \"notes\"\n"), 0o644)
	os.WriteFile(filepath.Join(app, "migrations", "0001_notes.up.sql"),
		[]byte("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE);"), 0o644)
	return app
}

func addNote(r *sandkit.Request) sandkit.Response {
	body, _ := r.ReadBody()
	if _, err := db.Exec("INSERT INTO notes (body) VALUES (?)", string(body)); err != nil {
		if db.IsUnique(err) {
			return sandkit.Error(409, err.Error())
		}
		return sandkit.Error(500, err.Error())
	}
	return sandkit.Empty(201)
}

func listNotes(r *sandkit.Request) sandkit.Response {
	b, err := db.QueryJSON("SELECT body FROM notes ORDER BY id")
	if err != nil {
		return sandkit.Error(500, err.Error())
	}
	return sandkit.RawJSON(200, b)
}

func TestOpenDB(t *testing.T) {
	app := notesApp(t)
	sandkittest.OpenDBAt(t, app)
	for _, body := range []string{"one", "two"} { // in order: the list below is by id
		if r := sandkittest.Do(addNote, sandkittest.NewRequest("POST", "/notes", strings.NewReader(body))); r.Status() != 201 {
			t.Errorf("add %q: %d %s", body, r.Status(), r.Body())
		}
	}
	r := sandkittest.Do(addNote, sandkittest.NewRequest("POST", "/notes", strings.NewReader("one")))
	if r.Status() != 409 || !strings.Contains(r.Body(), "UNIQUE") {
		t.Errorf("duplicate: %d %s", r.Status(), r.Body())
	}

	// A transaction the handler leaves open is rolled back when Do ends
	// the request, as the host does.
	sandkittest.Do(func(*sandkit.Request) sandkit.Response {
		if err := db.Begin(); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("INSERT INTO notes (body) VALUES ('lost')"); err != nil {
			t.Fatal(err)
		}
		return sandkit.Empty(204)
	}, sandkittest.NewRequest("POST", "/", nil))

	var bodies []struct{ Body string }
	sandkittest.DecodeJSON(t, sandkittest.Do(listNotes, sandkittest.NewRequest("GET", "/notes", nil)), &bodies)
	if len(bodies) != 2 || bodies[0].Body != "one" || bodies[1].Body != "two" {
		t.Errorf("notes: %+v", bodies)
	}

	// The host's policy applies: no attaching other files.
	if _, err := db.Exec("ATTACH 'x.db' AS x"); !db.IsRefused(err) {
		t.Errorf("ATTACH: %v", err)
	}
	sandkittest.Do(listNotes, sandkittest.NewRequest("GET", "/", nil))
}

// Each test gets a fresh database: nothing of TestOpenDB's notes is left.
func TestOpenDBFresh(t *testing.T) {
	sandkittest.OpenDBAt(t, notesApp(t))
	var bodies []any
	sandkittest.DecodeJSON(t, sandkittest.Do(listNotes, sandkittest.NewRequest("GET", "/", nil)), &bodies)
	if len(bodies) != 0 {
		t.Errorf("a fresh database holds %v", bodies)
	}
}

func TestOpenDBFindsTheApp(t *testing.T) {
	app := notesApp(t)
	deep := filepath.Join(app, "routes", "notes")
	os.MkdirAll(deep, 0o755)
	t.Chdir(deep)
	sandkittest.OpenDB(t)
	if r := sandkittest.Do(addNote, sandkittest.NewRequest("POST", "/", strings.NewReader("x"))); r.Status() != 201 {
		t.Errorf("%d %s", r.Status(), r.Body())
	}
}

package host_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"sandkit.dev/sandkit/compiler"
	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/appdb/sqlite"
	"sandkit.dev/sandkit/internal/exampleapp"
	"sandkit.dev/sandkit/internal/npmfixture"
)

// copyExample copies examples/name (without build output or data) to a
// temp folder and points its replace directive at this checkout.
func copyExample(t testing.TB, name string) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), name)
	if err := exampleapp.Copy(root, name, dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

func replaceSandkit(gomod []byte, root string) []byte {
	return regexp.MustCompile(`(?m)^replace sandkit.dev/sandkit => .*$`).ReplaceAll(gomod, []byte("replace sandkit.dev/sandkit => "+root))
}

// buildApp compiles the app's Go handlers, applies its migrations and
// serves it on loopback.
func buildApp(t *testing.T, dir string) *httptestServer {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a Go guest")
	}
	ctx := context.Background()
	if _, err := compiler.BuildHandlers(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "package.json")); err == nil {
		// The app has pages: install its npm packages and bundle them.
		if err := npmfixture.Install(dir); err != nil {
			t.Fatal(err)
		}
		if _, err := compiler.BuildPages(ctx, dir, compiler.PagesOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, appdb.MigrationsDir)); err == nil {
		m, err := host.OpenMigrator(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx); err != nil {
			t.Fatal(err)
		}
		m.Close()
	}
	_, srv := serveApp(t, dir)
	return &httptestServer{srv.URL}
}

type httptestServer struct{ URL string }

func (s *httptestServer) do(t *testing.T, method, path, body string) response {
	t.Helper()
	return do(t, method, s.URL+path, body)
}

// expectJSON checks status and that the body decodes into v.
func expectJSON(t *testing.T, r response, status int, v any) {
	t.Helper()
	if r.status != status {
		t.Fatalf("got %d %q, want %d", r.status, r.body, status)
	}
	if v != nil {
		if err := json.Unmarshal([]byte(r.body), v); err != nil {
			t.Fatalf("%v: %q", err, r.body)
		}
	}
}

type todoJSON struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	Done      bool      `json:"done"`
	CreatedAt time.Time `json:"created_at"`
}

// TestTodoExample drives examples/todo over HTTP on each backend: its
// SQLite file, and its own schema of PostgreSQL.
func TestTodoExample(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			dir := copyExample(t, "todo")
			if backend == "postgres" {
				usePostgres(t, dir, "todo")
			}
			testTodo(t, buildApp(t, dir))
		})
	}
}

func testTodo(t *testing.T, srv *httptestServer) {

	var milk, eggs todoJSON
	expectJSON(t, srv.do(t, "POST", "/api/todos", `{"title":"milk"}`), 201, &milk)
	expectJSON(t, srv.do(t, "POST", "/api/todos", `{"title":"eggs"}`), 201, &eggs)
	if milk.ID == 0 || eggs.ID <= milk.ID || milk.Title != "milk" || milk.CreatedAt.IsZero() {
		t.Errorf("created %+v %+v", milk, eggs)
	}

	// A duplicate title is a 409 that says why.
	r := srv.do(t, "POST", "/api/todos", `{"title":"milk"}`)
	expect(t, r, 409, `a todo titled \"milk\" already exists`)

	var list []todoJSON
	expectJSON(t, srv.do(t, "GET", "/api/todos", ""), 200, &list)
	if len(list) != 2 || list[0].Title != "milk" || list[1].Title != "eggs" {
		t.Errorf("list %+v", list)
	}

	var upd todoJSON
	expectJSON(t, srv.do(t, "PATCH", "/api/todos/"+itoa(milk.ID), `{"done":true}`), 200, &upd)
	if !upd.Done || upd.Title != "milk" {
		t.Errorf("updated %+v", upd)
	}
	expect(t, srv.do(t, "PATCH", "/api/todos/"+itoa(eggs.ID), `{"title":"milk"}`), 409, "already exists")
	expectJSON(t, srv.do(t, "GET", "/api/todos?done=true", ""), 200, &list)
	if len(list) != 1 || list[0].ID != milk.ID {
		t.Errorf("done list %+v", list)
	}

	// A batch with a duplicate is rolled back as a whole.
	expect(t, srv.do(t, "POST", "/api/todos/batch", `{"titles":["bread","butter","eggs"]}`), 409, "none of the batch was created")
	expectJSON(t, srv.do(t, "GET", "/api/todos", ""), 200, &list)
	if len(list) != 2 {
		t.Errorf("after the failed batch: %+v", list)
	}
	expect(t, srv.do(t, "POST", "/api/todos/batch", `{"titles":["bread","butter"]}`), 201, `"created":2`)

	expectJSON(t, srv.do(t, "DELETE", "/api/todos/"+itoa(milk.ID), ""), 204, nil)
	expect(t, srv.do(t, "GET", "/api/todos/"+itoa(milk.ID), ""), 404, "no todo")
	expectJSON(t, srv.do(t, "GET", "/api/todos", ""), 200, &list)
	if len(list) != 3 {
		t.Errorf("final list %+v", list)
	}

	// Concurrent writers: every insert lands.
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := do(t, "POST", srv.URL+"/api/todos", `{"title":"c`+itoa(int64(i))+`"}`)
			if r.status != 201 {
				t.Errorf("concurrent insert %d: %d %s", i, r.status, r.body)
			}
		}()
	}
	wg.Wait()
	expectJSON(t, srv.do(t, "GET", "/api/todos", ""), 200, &list)
	if len(list) != 23 {
		t.Errorf("after concurrent inserts: %d todos", len(list))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// hostileApp is a Go guest whose route runs the SQL in its query string and
// answers the error it gets: code, SQLSTATE and message.
const hostileHandler = `package sql

import (
	"strconv"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

// Post runs the body as SQL (exec) and reports the outcome.
func Post(r *sandkit.Request) sandkit.Response {
	body, _ := r.ReadBody()
	var err error
	if r.QueryValue("query") != "" {
		var rows *db.Rows
		rows, err = db.Query(string(body))
		if err == nil {
			out := ""
			for rows.Next() {
				out += rows.Text(0) + "\n"
			}
			return sandkit.Text(200, out)
		}
	} else {
		_, err = db.Exec(string(body))
	}
	if e, ok := err.(*db.Error); ok {
		return sandkit.Text(400, strconv.Itoa(int(e.Code))+" "+e.SQLState+" "+e.Message)
	}
	if err != nil {
		return sandkit.Text(500, err.Error())
	}
	return sandkit.Text(200, "ok")
}
`

func hostileApp(t *testing.T, name, config string) string {
	t.Helper()
	root, _ := filepath.Abs("..")
	dir := filepath.Join(t.TempDir(), name)
	writeAppFile(t, dir, "go.mod", string(replaceSandkit([]byte("module example.com/"+name+"\n\ngo 1.26.8\n\nrequire sandkit.dev/sandkit v0.0.0\n\nreplace sandkit.dev/sandkit => ../..\n"), root)))
	writeAppFile(t, dir, "routes/sql/handler.go", hostileHandler)
	writeAppFile(t, dir, "sandkit.toml", config)
	return dir
}

func writeAppFile(t *testing.T, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// refusal is a statement a hostile guest sends to its /sql route (as a
// query if query is set) and the 400 answer it must get.
type refusal struct {
	name, sql string
	query     bool
	want      string
}

// expectRefused sends each statement and expects its refusal, within 3s.
func expectRefused(t *testing.T, srv *httptestServer, cases []refusal) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := "/sql"
			if tc.query {
				path += "?query=1"
			}
			// A statement stopped by its timeout says so in its code (9),
			// so no wall-clock check is needed here.
			expect(t, srv.do(t, "POST", path, tc.sql), 400, tc.want)
		})
	}
}

func TestHostileGuestsAreRefused(t *testing.T) {
	victimDir := hostileApp(t, "victim", "name = \"victim\"\n")
	victim := buildApp(t, victimDir)
	expect(t, victim.do(t, "POST", "/sql", "CREATE TABLE secrets (s TEXT); INSERT INTO secrets VALUES ('victim-only')"), 200, "ok")

	dir := hostileApp(t, "hostile", `name = "hostile"
[limits]
statement_timeout = "200ms"
db_max_bytes = 262144
`)
	srv := buildApp(t, dir)
	victimDB := filepath.Join(victimDir, sqlite.AppDBPath)
	expect(t, srv.do(t, "POST", "/sql", "CREATE TABLE big (b BLOB)"), 200, "ok")
	expectRefused(t, srv, []refusal{
		{"attach another app", "ATTACH DATABASE '" + victimDB + "' AS v", false, "23 42501 ATTACH, DETACH and VACUUM INTO are not allowed"},
		{"attach a new file", "ATTACH DATABASE '/tmp/sandkit-evil.db' AS e", false, "23 42501 ATTACH"},
		{"read another app's table", "SELECT s FROM secrets", true, "1 42000 no such table: secrets"},
		{"load_extension", "SELECT load_extension('/usr/lib/x86_64-linux-gnu/libc.so.6')", true, "23 42501 load_extension() is not allowed"},
		{"raise the quota", "PRAGMA max_page_count = 1000000", false, "23 42501 PRAGMA max_page_count is not allowed"},
		{"journal off", "PRAGMA journal_mode = OFF", false, "23 42501 PRAGMA journal_mode"},
		{"writable schema", "PRAGMA writable_schema = 1", false, "23 42501 PRAGMA writable_schema"},
		{"vacuum into a file", "VACUUM INTO '/tmp/sandkit-copy.db'", false, "23 42501"},
		{"sql transaction control", "BEGIN", false, "23 42501 BEGIN is not allowed in SQL"},
		{"over quota", "INSERT INTO big SELECT zeroblob(65536) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 20) SELECT x FROM c)", false, "13 53100 the app's database is full: limits.db_max_bytes is 262144 bytes"},
		{"past the statement timeout", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c", true, "9 57014 statement stopped at limits.statement_timeout (200ms)"},
	})
	for _, f := range []string{"/tmp/sandkit-evil.db", "/tmp/sandkit-copy.db"} {
		if _, err := os.Stat(f); err == nil {
			os.Remove(f)
			t.Errorf("%s was created", f)
		}
	}
	// The victim's data is intact and the hostile app still works.
	expect(t, victim.do(t, "POST", "/sql?query=1", "SELECT s FROM secrets"), 200, "victim-only")
	expect(t, srv.do(t, "POST", "/sql?query=1", "SELECT count(*) FROM big"), 200, "")
	if r := srv.do(t, "GET", "/sql", ""); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", r.status)
	}
}

const nestedHandler = `package nested

import (
	"context"
	"errors"
	"strconv"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

var bdb = bun.NewDB(db.Open(), sqlitedialect.New())

func count(ctx context.Context) int {
	n, _ := bdb.NewSelect().Table("items").Count(ctx)
	return int(n)
}

// Post: an outer transaction keeps its insert while a nested one
// (SAVEPOINT) that fails is rolled back alone; then the fast path's InTx.
func Post(r *sandkit.Request) sandkit.Response {
	ctx := context.Background()
	if _, err := bdb.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS items (name TEXT PRIMARY KEY)"); err != nil {
		return sandkit.Error(500, err.Error())
	}
	before := count(ctx)
	err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO items VALUES ('outer-' || ?)", r.RequestID()); err != nil {
			return err
		}
		inner := tx.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			tx.ExecContext(ctx, "INSERT INTO items VALUES ('inner-' || ?)", r.RequestID())
			return errors.New("inner fails")
		})
		if inner == nil {
			return errors.New("inner did not fail")
		}
		return nil
	})
	if err != nil {
		return sandkit.Error(500, "outer: "+err.Error())
	}
	err = db.InTx(func() error {
		if _, err := db.Exec("INSERT INTO items VALUES ('intx-' || ?)", r.RequestID()); err != nil {
			return err
		}
		_, err := db.Exec("INSERT INTO items VALUES ('intx-' || ?)", r.RequestID()) // duplicate
		return err
	})
	if !db.IsUnique(err) {
		msg := "no error"
		if err != nil {
			msg = err.Error()
		}
		return sandkit.Error(500, "InTx: want a unique violation, got "+msg)
	}
	return sandkit.Text(200, strconv.Itoa(count(ctx)-before))
}
`

func TestNestedTransactions(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			todo := copyExample(t, "todo")
			dir := filepath.Join(t.TempDir(), "nested")
			for _, f := range []string{"go.mod", "go.sum"} {
				b, _ := os.ReadFile(filepath.Join(todo, f))
				writeAppFile(t, dir, f, string(b))
			}
			writeAppFile(t, dir, "routes/nested/handler.go", nestedHandler)
			if backend == "postgres" {
				usePostgres(t, dir, "nested")
			}
			srv := buildApp(t, dir)
			for range 3 {
				// One row per request: the outer insert; the inner SAVEPOINT and
				// the failed InTx left nothing.
				expect(t, srv.do(t, "POST", "/nested", ""), 200, "1")
			}
		})
	}
}

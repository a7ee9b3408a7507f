// Database measurement app: examples/todo's module with 20 seeded rows and
// routes that read them in different ways, and the same work in native Go,
// for the database sections (dbpaths.go, dbhttp.go).

package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"sandkit.dev/sandkit/compiler"
	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/appdb/sqlite"
	"sandkit.dev/sandkit/internal/exampleapp"
	"sandkit.dev/sandkit/internal/jsonstr"
)

// rowsQuery is the statement every database route runs.
const rowsQuery = "SELECT id, title, done, created_at FROM todos ORDER BY id LIMIT 20"

// measureStore is the measurement app's store package: the todo model for
// bun, and the JSON of a row built by hand (what the fast path uses).
const measureStore = `package store

import (
	"strconv"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

type Todo struct {
	bun.BaseModel ` + "`bun:\"table:todos\"`" + `
	ID        int64     ` + "`bun:\"id,pk,autoincrement\" json:\"id\"`" + `
	Title     string    ` + "`bun:\"title\" json:\"title\"`" + `
	Done      bool      ` + "`bun:\"done\" json:\"done\"`" + `
	CreatedAt time.Time ` + "`bun:\"created_at\" json:\"created_at\"`" + `
}

var DB = bun.NewDB(db.Open(), sqlitedialect.New())

func AppendJSON(b []byte, t *Todo) []byte {
	b = append(b, ` + "`" + `{"id":` + "`" + `...)
	b = strconv.AppendInt(b, t.ID, 10)
	b = append(b, ` + "`" + `,"title":` + "`" + `...)
	b = sandkit.AppendJSONString(b, t.Title)
	b = append(b, ` + "`" + `,"done":` + "`" + `...)
	b = strconv.AppendBool(b, t.Done)
	b = append(b, ` + "`" + `,"created_at":"` + "`" + `...)
	b = t.CreatedAt.UTC().AppendFormat(b, time.RFC3339)
	return append(b, ` + "`" + `"}` + "`" + `...)
}

func List(ts []Todo) []byte {
	b := append(make([]byte, 0, 2048), '[')
	for i := range ts {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendJSON(b, &ts[i])
	}
	return append(b, ']')
}
`

// handlerImports opens every measurement route: each body uses some of them.
const handlerImports = `import (
	"context"
	"strconv"

	"example.com/todo/store"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

var _ = context.Background
var _ = strconv.Itoa
var _ = store.List
var _ = db.Query

`

// dbApp writes a measurement app into work/name: examples/todo's go.mod
// and go.sum, the store package, a route per entry of routes (folder name →
// body of its handler.go after the imports), sandkit.toml, and migrations
// that create the todos table of each backend and seed 20 rows. It builds
// the handlers and returns the app's folder.
func dbApp(ctx context.Context, root, work, name, toml string, routes map[string]string) (string, error) {
	todo := filepath.Join(work, name+"-todo")
	if err := exampleapp.Copy(root, "todo", todo); err != nil {
		return "", err
	}
	dir := filepath.Join(work, name)
	files := map[string]string{"store/store.go": measureStore, "sandkit.toml": toml}
	for _, f := range []string{"go.mod", "go.sum"} {
		b, err := os.ReadFile(filepath.Join(todo, f))
		if err != nil {
			return "", err
		}
		files[f] = string(b)
	}
	for route, body := range routes {
		files["routes/m/"+route+"/handler.go"] = "package " + route + "\n\n" + handlerImports + body + "\n"
	}
	for _, variant := range []string{"", ".postgres"} {
		src, err := os.ReadFile(filepath.Join(todo, "migrations", "0001_create_todos"+variant+".up.sql"))
		if err != nil {
			return "", err
		}
		seed := string(src)
		for i := range 20 {
			seed += fmt.Sprintf("INSERT INTO todos (title, done) VALUES ('todo number %d', %v);\n", i, i%2 == 1)
		}
		files["migrations/0001_seed"+variant+".up.sql"] = seed
	}
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return "", err
		}
	}
	if _, err := compiler.BuildHandlers(ctx, dir); err != nil {
		return "", err
	}
	m, err := host.OpenMigrator(ctx, dir)
	if err != nil {
		return "", err
	}
	defer m.Close()
	if _, err := m.Up(ctx); err != nil {
		return "", err
	}
	return dir, nil
}

// openApp opens the app in dir on a new engine; closeApp closes both.
func openApp(ctx context.Context, dir string, log *slog.Logger) (app *host.App, closeApp func(), err error) {
	e, err := host.NewEngine(host.WithLogger(log))
	if err != nil {
		return nil, nil, err
	}
	if app, err = host.OpenApp(ctx, e, dir); err != nil {
		e.Close(ctx)
		return nil, nil, err
	}
	return app, func() { app.Close(ctx); e.Close(ctx) }, nil
}

// nativeRows is the fast-path route in native Go: database/sql and the
// same hand-built JSON.
func nativeRows(db *sql.DB) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rows, err := db.QueryContext(r.Context(), rowsQuery)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		defer rows.Close()
		b := append(make([]byte, 0, 2048), '[')
		for n := 0; rows.Next(); n++ {
			var (
				id      int64
				title   string
				done    bool
				created time.Time
			)
			if err := rows.Scan(&id, &title, &done, &created); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			if n > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"id":`...)
			b = strconv.AppendInt(b, id, 10)
			b = append(b, `,"title":`...)
			b = jsonstr.Append(b, title)
			b = append(b, `,"done":`...)
			b = strconv.AppendBool(b, done)
			b = append(b, `,"created_at":"`...)
			b = created.UTC().AppendFormat(b, time.RFC3339)
			b = append(b, `"}`...)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(append(b, ']'))
	}
}

// openSQLite opens the app's SQLite file natively, as the host does.
func openSQLite(dir string) (*sql.DB, error) {
	return sql.Open("sqlite", filepath.Join(dir, sqlite.AppDBPath)+"?_pragma=journal_mode(WAL)&_time_format=sqlite")
}

// inProcess is the median time of one request to h through ServeHTTP,
// without the network: 1,000 requests after 200 of warm-up.
func inProcess(h http.Handler, path string) (time.Duration, error) {
	req := httptest.NewRequest("GET", path, nil)
	var ds []time.Duration
	for i := range 1200 {
		w := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(w, req)
		if i >= 200 {
			ds = append(ds, time.Since(start))
		}
		if w.Code != 200 {
			return 0, fmt.Errorf("GET %s: %d %s", path, w.Code, w.Body)
		}
	}
	return median(ds), nil
}

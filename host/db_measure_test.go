package host_test

// The measurement behind spec/RATIONALE.md "## Database": 20 rows read per
// request, through each guest path and natively. Slow and machine-dependent,
// so it runs only when asked:
//
//	SANDKIT_MEASURE=1 go test -run TestMeasureDB -v ./host

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // the native baseline's driver

	"sandkit.dev/sandkit/host"
	appsqlite "sandkit.dev/sandkit/host/appdb/sqlite"
)

const measureStore = `package store

import (
	"strconv"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"

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
	b = strconv.AppendQuote(b, t.Title)
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

var measureRoutes = map[string]string{
	"noop": `func Get(r *sandkit.Request) sandkit.Response { return sandkit.RawJSON(200, []byte("[]")) }`,
	"one": `func Get(r *sandkit.Request) sandkit.Response {
	rows, err := db.Query("SELECT 1")
	if err != nil || !rows.Next() { return sandkit.Error(500, "x") }
	return sandkit.RawJSON(200, []byte(rows.Text(0)))
}`,
	"fast": `func Get(r *sandkit.Request) sandkit.Response {
	rows, err := db.Query("SELECT id, title, done, created_at FROM todos ORDER BY id LIMIT 20")
	if err != nil { return sandkit.Error(500, err.Error()) }
	ts := make([]store.Todo, rows.Len())
	for i := 0; rows.Next(); i++ {
		rows.Scan(&ts[i].ID, &ts[i].Title, &ts[i].Done, &ts[i].CreatedAt)
	}
	return sandkit.RawJSON(200, store.List(ts))
}`,
	"scanonly": `func Get(r *sandkit.Request) sandkit.Response {
	rows, err := db.Query("SELECT id, title, done, created_at FROM todos ORDER BY id LIMIT 20")
	if err != nil { return sandkit.Error(500, err.Error()) }
	ts := make([]store.Todo, rows.Len())
	for i := 0; rows.Next(); i++ {
		rows.Scan(&ts[i].ID, &ts[i].Title, &ts[i].Done, &ts[i].CreatedAt)
	}
	return sandkit.RawJSON(200, []byte(strconv.Itoa(len(ts))))
}`,
	"sqlrows": `func Get(r *sandkit.Request) sandkit.Response {
	rows, err := db.Open().Query("SELECT id, title, done, created_at FROM todos ORDER BY id LIMIT 20")
	if err != nil { return sandkit.Error(500, err.Error()) }
	defer rows.Close()
	var ts []store.Todo
	for rows.Next() {
		var t store.Todo
		rows.Scan(&t.ID, &t.Title, &t.Done, &t.CreatedAt)
		ts = append(ts, t)
	}
	return sandkit.RawJSON(200, store.List(ts))
}`,
	"bunraw": `func Get(r *sandkit.Request) sandkit.Response {
	var ts []store.Todo
	if err := store.DB.NewSelect().Model(&ts).Order("id").Limit(20).Scan(context.Background()); err != nil { return sandkit.Error(500, err.Error()) }
	return sandkit.RawJSON(200, store.List(ts))
}`,
	"bunjson": `func Get(r *sandkit.Request) sandkit.Response {
	var ts []store.Todo
	if err := store.DB.NewSelect().Model(&ts).Order("id").Limit(20).Scan(context.Background()); err != nil { return sandkit.Error(500, err.Error()) }
	return sandkit.JSON(200, ts)
}`,
}

func TestMeasureDB(t *testing.T) {
	if os.Getenv("SANDKIT_MEASURE") == "" {
		t.Skip("set SANDKIT_MEASURE=1 to run")
	}
	todo := copyExample(t, "todo")
	dir := filepath.Join(t.TempDir(), "measure")
	for _, f := range []string{"go.mod", "go.sum"} {
		b, _ := os.ReadFile(filepath.Join(todo, f))
		writeAppFile(t, dir, f, string(b))
	}
	writeAppFile(t, dir, "store/store.go", measureStore)
	for name, body := range measureRoutes {
		writeAppFile(t, dir, "routes/m/"+name+"/handler.go", "package "+name+"\n\nimport (\n\t\"context\"\n\t\"strconv\"\n\n\t\"example.com/todo/store\"\n\tsandkit \"sandkit.dev/sandkit/guest-sdk/go\"\n\t\"sandkit.dev/sandkit/guest-sdk/go/db\"\n)\n\nvar _ = context.Background\nvar _ = strconv.Itoa\nvar _ = store.List\nvar _ = db.Query\n\n"+body+"\n")
	}
	src, _ := os.ReadFile(filepath.Join(todo, "migrations", "0001_create_todos.up.sql"))
	seed := string(src)
	for i := range 20 {
		seed += fmt.Sprintf("INSERT INTO todos (title, done) VALUES ('todo number %d', %d);\n", i, i%2)
	}
	writeAppFile(t, dir, "migrations/0001_seed.up.sql", seed)
	buildApp(t, dir)
	app, err := host.OpenApp(context.Background(), testEngine(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close(context.Background())

	// Native baselines over the same file: database/sql, and bun with encoding/json.
	sqldb, err := sql.Open("sqlite", filepath.Join(dir, appsqlite.AppDBPath)+"?_pragma=journal_mode(WAL)&_time_format=sqlite")
	if err != nil {
		t.Fatal(err)
	}
	defer sqldb.Close()
	bdb := bun.NewDB(sqldb, sqlitedialect.New())
	type todoRow struct {
		bun.BaseModel `bun:"table:todos"`
		ID            int64     `bun:"id,pk" json:"id"`
		Title         string    `bun:"title" json:"title"`
		Done          bool      `bun:"done" json:"done"`
		CreatedAt     time.Time `bun:"created_at" json:"created_at"`
	}
	natives := map[string]http.HandlerFunc{
		"native sql+hand JSON": func(w http.ResponseWriter, r *http.Request) {
			rows, err := sqldb.Query("SELECT id, title, done, created_at FROM todos ORDER BY id LIMIT 20")
			if err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			defer rows.Close()
			b := append(make([]byte, 0, 2048), '[')
			for n := 0; rows.Next(); n++ {
				var t todoRow
				rows.Scan(&t.ID, &t.Title, &t.Done, &t.CreatedAt)
				if n > 0 {
					b = append(b, ',')
				}
				b = append(b, `{"id":`...)
				b = strconv.AppendInt(b, t.ID, 10)
				b = append(b, `,"title":`...)
				b = strconv.AppendQuote(b, t.Title)
				b = append(b, `,"done":`...)
				b = strconv.AppendBool(b, t.Done)
				b = append(b, `,"created_at":"`...)
				b = t.CreatedAt.UTC().AppendFormat(b, time.RFC3339)
				b = append(b, `"}`...)
			}
			w.Header().Set("Content-Type", "application/json")
			w.Write(append(b, ']'))
		},
		"native bun+encoding/json": func(w http.ResponseWriter, r *http.Request) {
			var ts []todoRow
			if err := bdb.NewSelect().Model(&ts).Order("id").Limit(20).Scan(r.Context()); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(ts)
		},
	}

	base := inProcess(t, natives["native sql+hand JSON"], "/")
	t.Logf("%-28s %8v  1.0x", "native sql+hand JSON", base.Round(100*time.Nanosecond))
	nb := inProcess(t, natives["native bun+encoding/json"], "/")
	t.Logf("%-28s %8v  %.1fx", "native bun+encoding/json", nb.Round(100*time.Nanosecond), float64(nb)/float64(base))
	for _, name := range []string{"noop", "one", "scanonly", "fast", "sqlrows", "bunraw", "bunjson"} {
		d := inProcess(t, app, "/m/"+name)
		t.Logf("%-28s %8v  %.1fx", "guest "+name, d.Round(100*time.Nanosecond), float64(d)/float64(base))
	}
}

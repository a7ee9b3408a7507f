// Database paths: 20 rows read per request through each way a guest can
// read them (the SDK's fast path, database/sql, bun) against native Go, in
// process on SQLite. The numbers behind spec/RATIONALE.md "## Database".

package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // the native baseline's driver
)

// dbPathRoutes are the guest's ways of answering the 20 rows, cheapest
// first; each is a route /m/NAME of the measurement app.
var dbPathRoutes = []struct{ name, what, body string }{
	{"noop", "guest, no database (routing, pool, call)", `func Get(r *sandkit.Request) sandkit.Response { return sandkit.RawJSON(200, []byte("[]")) }`},
	{"one", "guest, `SELECT 1` on the fast path", `func Get(r *sandkit.Request) sandkit.Response {
	rows, err := db.Query("SELECT 1")
	if err != nil || !rows.Next() { return sandkit.Error(500, "x") }
	return sandkit.RawJSON(200, []byte(rows.Text(0)))
}`},
	{"scanonly", "guest fast path, rows decoded and scanned, no JSON", `func Get(r *sandkit.Request) sandkit.Response {
	rows, err := db.Query("` + rowsQuery + `")
	if err != nil { return sandkit.Error(500, err.Error()) }
	ts := make([]store.Todo, rows.Len())
	for i := 0; rows.Next(); i++ {
		rows.Scan(&ts[i].ID, &ts[i].Title, &ts[i].Done, &ts[i].CreatedAt)
	}
	return sandkit.RawJSON(200, []byte(strconv.Itoa(len(ts))))
}`},
	{"fast", "guest fast path (`db.Query` + `Rows.Scan` + hand-built JSON)", `func Get(r *sandkit.Request) sandkit.Response {
	rows, err := db.Query("` + rowsQuery + `")
	if err != nil { return sandkit.Error(500, err.Error()) }
	ts := make([]store.Todo, rows.Len())
	for i := 0; rows.Next(); i++ {
		if err := rows.Scan(&ts[i].ID, &ts[i].Title, &ts[i].Done, &ts[i].CreatedAt); err != nil { return sandkit.Error(500, err.Error()) }
	}
	return sandkit.RawJSON(200, store.List(ts))
}`},
	{"sqlrows", "guest database/sql (`sql.DB.Query` + `Scan`) + hand-built JSON", `func Get(r *sandkit.Request) sandkit.Response {
	rows, err := db.Open().Query("` + rowsQuery + `")
	if err != nil { return sandkit.Error(500, err.Error()) }
	defer rows.Close()
	var ts []store.Todo
	for rows.Next() {
		var t store.Todo
		rows.Scan(&t.ID, &t.Title, &t.Done, &t.CreatedAt)
		ts = append(ts, t)
	}
	return sandkit.RawJSON(200, store.List(ts))
}`},
	{"bunraw", "guest bun (`NewSelect().Model(&ts)`) + hand-built JSON", `func Get(r *sandkit.Request) sandkit.Response {
	var ts []store.Todo
	if err := store.DB.NewSelect().Model(&ts).Order("id").Limit(20).Scan(context.Background()); err != nil { return sandkit.Error(500, err.Error()) }
	return sandkit.RawJSON(200, store.List(ts))
}`},
	{"bunjson", "guest bun + `sandkit.JSON` (encoding/json)", `func Get(r *sandkit.Request) sandkit.Response {
	var ts []store.Todo
	if err := store.DB.NewSelect().Model(&ts).Order("id").Limit(20).Scan(context.Background()); err != nil { return sandkit.Error(500, err.Error()) }
	return sandkit.JSON(200, ts)
}`},
}

func dbPathsBench(ctx context.Context, r *report, root, work string, log *slog.Logger) error {
	progress("building the database measurement app")
	routes := map[string]string{}
	for _, p := range dbPathRoutes {
		routes[p.name] = p.body
	}
	dir, err := dbApp(ctx, root, work, "dbpaths", "name = \"dbpaths\"\n", routes)
	if err != nil {
		return err
	}
	app, closeApp, err := openApp(ctx, dir, log)
	if err != nil {
		return err
	}
	defer closeApp()

	// Native baselines over the same file: database/sql, and bun with encoding/json.
	sqldb, err := openSQLite(dir)
	if err != nil {
		return err
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
	bunJSON := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ts []todoRow
		if err := bdb.NewSelect().Model(&ts).Order("id").Limit(20).Scan(r.Context()); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(ts)
	})

	r.printf("## Database: 20 rows per request, each guest path (issue 4)\n\n")
	r.printf("`go run ./bench -sections db`: a request reads 20 rows of 4 columns (id, title, done, created_at) from the app's\n")
	r.printf("SQLite file and answers them as JSON; median of 1,000 requests through `ServeHTTP` after 200 of warm-up, in process.\n\n")
	r.printf("| path | per request | vs native |\n| --- | ---: | ---: |\n")
	progress("db: native database/sql")
	base, err := inProcess(nativeRows(sqldb), "/")
	if err != nil {
		return err
	}
	row := func(what string, d time.Duration) {
		r.printf("| %s | %.1f µs | %.1fx |\n", what, float64(d.Nanoseconds())/1e3, float64(d)/float64(base))
	}
	row("native Go: database/sql + hand-built JSON", base)
	progress("db: native bun")
	d, err := inProcess(bunJSON, "/")
	if err != nil {
		return err
	}
	row("native Go: bun + encoding/json", d)
	for _, p := range dbPathRoutes {
		progress("db: guest %s", p.name)
		d, err := inProcess(app, "/m/"+p.name)
		if err != nil {
			return err
		}
		row(p.what, d)
	}
	r.printf("\n")
	return nil
}

package host_test

// The measurement behind docs/benchmarks.md "## Database: 20 rows as JSON
// (issue 4)": a route that selects 20 rows and answers them as JSON, as a
// guest (the SDK's fast path) and as native Go (database/sql, the same
// JSON building), on SQLite and on PostgreSQL, over HTTP on 127.0.0.1
// under wrk and in process. Slow and machine-dependent, so it runs only
// when asked (it needs wrk and, for PostgreSQL, the test database):
//
//	SANDKIT_MEASURE=1 go test -run TestMeasureDBHTTP -v ./host

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/appdb/postgres"
	"sandkit.dev/sandkit/host/appdb/sqlite"
)

const measureHTTPRoute = `package rows

import (
	"example.com/todo/store"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

func Get(r *sandkit.Request) sandkit.Response {
	rows, err := db.Query("SELECT id, title, done, created_at FROM todos ORDER BY id LIMIT 20")
	if err != nil {
		return sandkit.Error(500, err.Error())
	}
	ts := make([]store.Todo, rows.Len())
	for i := 0; rows.Next(); i++ {
		if err := rows.Scan(&ts[i].ID, &ts[i].Title, &ts[i].Done, &ts[i].CreatedAt); err != nil {
			return sandkit.Error(500, err.Error())
		}
	}
	return sandkit.RawJSON(200, store.List(ts))
}
`

// measureJSONRoute is the same route on db_query_json: the host makes the
// JSON, the guest passes it through.
const measureJSONRoute = `package rowsjson

import (
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

func Get(r *sandkit.Request) sandkit.Response {
	b, err := db.QueryJSON("SELECT id, title, done, created_at FROM todos ORDER BY id LIMIT 20")
	if err != nil {
		return sandkit.Error(500, err.Error())
	}
	return sandkit.RawJSON(200, b)
}
`

// nativeRows is the guest route in native Go: database/sql and the same
// hand-built JSON.
func nativeRows(db *sql.DB) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rows, err := db.QueryContext(r.Context(), "SELECT id, title, done, created_at FROM todos ORDER BY id LIMIT 20")
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
			b = strconv.AppendQuote(b, title)
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

var wrkRate = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)

// runWrk loads url for d and returns requests per second.
func runWrk(t *testing.T, url string, d time.Duration, conns int) float64 {
	t.Helper()
	out, err := exec.Command("wrk", "-t2", "-c"+strconv.Itoa(conns), "-d"+d.String(), url).CombinedOutput()
	if err != nil {
		t.Fatalf("wrk: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "Non-2xx") {
		t.Fatalf("wrk saw errors on %s:\n%s", url, out)
	}
	m := wrkRate.FindSubmatch(out)
	if m == nil {
		t.Fatalf("wrk output without a rate:\n%s", out)
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

// inProcess is the median time of one request to h, after warm-up.
func inProcess(t *testing.T, h http.Handler, path string) time.Duration {
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
			t.Fatalf("%s: %d %s", path, w.Code, w.Body)
		}
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

func median(v []float64) float64 {
	slices.Sort(v)
	return v[len(v)/2]
}

func TestMeasureDBHTTP(t *testing.T) {
	if os.Getenv("SANDKIT_MEASURE") == "" {
		t.Skip("set SANDKIT_MEASURE=1 to run")
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		t.Fatal("wrk is not installed: run scripts/install-deps.sh")
	}
	const (
		dur    = 5 * time.Second
		conns  = 32
		rounds = 3
	)
	var report strings.Builder
	fmt.Fprintf(&report, "| backend | guest | native Go req/s | guest req/s | guest vs native (HTTP) | native in process | guest in process | guest vs native (in process) |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			todo := copyExample(t, "todo")
			dir := filepath.Join(t.TempDir(), "rows")
			for _, f := range []string{"go.mod", "go.sum"} {
				b, _ := os.ReadFile(filepath.Join(todo, f))
				writeAppFile(t, dir, f, string(b))
			}
			// Keep as many warm instances as may run: under wrk's 32
			// connections the default (4 idle) would measure instance
			// creation, not the database path.
			writeAppFile(t, dir, "sandkit.toml", "name = \"rows\"\n[limits]\nidle_per_route = 16\n")
			writeAppFile(t, dir, "store/store.go", measureStore)
			writeAppFile(t, dir, "routes/rows/handler.go", measureHTTPRoute)
			writeAppFile(t, dir, "routes/rowsjson/handler.go", measureJSONRoute)
			for _, variant := range []string{"", ".postgres"} {
				src, err := os.ReadFile(filepath.Join(todo, "migrations", "0001_create_todos"+variant+".up.sql"))
				if err != nil {
					t.Fatal(err)
				}
				seed := string(src)
				for i := range 20 {
					seed += fmt.Sprintf("INSERT INTO todos (title, done) VALUES ('todo number %d', %v);\n", i, i%2 == 1)
				}
				writeAppFile(t, dir, "migrations/0001_seed"+variant+".up.sql", seed)
			}
			var native *sql.DB
			if backend == "postgres" {
				name := usePostgres(t, dir, "rows")
				cfg, err := pgx.ParseConfig(postgresURL(t))
				if err != nil {
					t.Fatal(err)
				}
				cfg.RuntimeParams["search_path"] = postgres.Schema(name)
				native = stdlib.OpenDB(*cfg)
			}
			guest := buildApp(t, dir)
			if native == nil {
				var err error
				native, err = sql.Open("sqlite", filepath.Join(dir, sqlite.AppDBPath)+"?_pragma=journal_mode(WAL)&_time_format=sqlite")
				if err != nil {
					t.Fatal(err)
				}
			}
			native.SetMaxOpenConns(8) // as the host's pool per app
			native.SetMaxIdleConns(8)
			defer native.Close()
			nsrv := httptest.NewServer(nativeRows(native))
			defer nsrv.Close()

			app, err := host.OpenApp(context.Background(), testEngine(t), dir)
			if err != nil {
				t.Fatal(err)
			}
			defer app.Close(context.Background())
			for _, g := range []struct{ name, path string }{{"fast path (db.Query, Scan, JSON by hand)", "/rows"}, {"db.QueryJSON (host-made JSON)", "/rowsjson"}} {
				// Same rows from both (the JSON of QueryJSON may write times
				// with fractions of a second).
				gr, nr := do(t, "GET", guest.URL+g.path, ""), do(t, "GET", nsrv.URL+"/rows", "")
				if gr.status != 200 || !strings.Contains(gr.body, `"todo number 19"`) || strings.Count(gr.body, `"id":`) != strings.Count(nr.body, `"id":`) {
					t.Fatalf("guest %d %q\nnative %d %q", gr.status, gr.body, nr.status, nr.body)
				}
				var grs, nrs []float64
				for range rounds {
					nrs = append(nrs, runWrk(t, nsrv.URL+"/rows", dur, conns))
					grs = append(grs, runWrk(t, guest.URL+g.path, dur, conns))
				}
				ni := inProcess(t, nativeRows(native), "/rows")
				gi := inProcess(t, app, g.path)
				nm, gm := median(nrs), median(grs)
				t.Logf("%s: native %v req/s, guest %v req/s", g.name, nrs, grs)
				fmt.Fprintf(&report, "| %s | %s | %.0f | %.0f | %.2fx | %.1f µs | %.1f µs | %.2fx |\n", backend, g.name, nm, gm, gm/nm,
					float64(ni.Nanoseconds())/1e3, float64(gi.Nanoseconds())/1e3, float64(ni)/float64(gi))
			}
		})
	}
	t.Logf("wrk -t2 -c%d -d%s, %d rounds (medians); in process: median of 1,000 requests\n%s", conns, dur, rounds, report.String())
}

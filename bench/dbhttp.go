// Database over HTTP: a route that selects 20 rows and answers them as JSON,
// as a guest (the SDK's fast path, and db.QueryJSON) and as native Go, on
// SQLite and on PostgreSQL, under wrk on 127.0.0.1 and in process. The
// numbers behind docs/benchmarks.md "Database: 20 rows as JSON".

package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"sandkit.dev/sandkit/host/appdb/postgres"
	"sandkit.dev/sandkit/host/settings"
	"sandkit.dev/sandkit/internal/pgtest"
)

// dbHTTPRoutes are the guest routes measured over HTTP.
var dbHTTPRoutes = []struct{ name, what, body string }{
	{"rows", "fast path (db.Query, Scan, JSON by hand)", dbPathRoutes[3].body},
	{"rowsjson", "db.QueryJSON (host-made JSON)", `func Get(r *sandkit.Request) sandkit.Response {
	b, err := db.QueryJSON("` + rowsQuery + `")
	if err != nil { return sandkit.Error(500, err.Error()) }
	return sandkit.RawJSON(200, b)
}`},
}

// defaultPostgres is the test database scripts/install-deps.sh sets up.
const defaultPostgres = "postgres://sandkit:sandkit@127.0.0.1:5432/sandkit_test"

// postgresURL is the database the PostgreSQL rows use: SANDKIT_TEST_POSTGRES
// or the test database.
func postgresURL() string {
	if u := os.Getenv("SANDKIT_TEST_POSTGRES"); u != "" {
		return u
	}
	return defaultPostgres
}

func dbHTTPBench(ctx context.Context, r *report, root, work string, log *slog.Logger, backends []string, d time.Duration, conns, rounds int) error {
	r.printf("## Database: 20 rows as JSON over HTTP (issue 4)\n\n")
	r.printf("`go run ./bench -sections dbhttp`: the guest (idle_per_route = 16, so that wrk's connections measure the\n")
	r.printf("database path, not instance creation) and native Go (database/sql, the same query and JSON, 8 connections like\n")
	r.printf("the host's pool), both on 127.0.0.1; wrk -t2 -c%d -d%s, native and guest alternating, %d rounds, median req/s.\n", conns, d, rounds)
	r.printf("In process: median of 1,000 requests through `ServeHTTP` after 200 of warm-up. Ratios are guest / native.\n\n")
	r.printf("| backend | guest | native req/s | guest req/s | HTTP ratio | native in process | guest in process | in-process ratio |\n")
	r.printf("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, backend := range backends {
		if backend != "SQLite" && backend != "PostgreSQL" {
			return fmt.Errorf("-db-backends: %q is not SQLite or PostgreSQL", backend)
		}
	}
	var cpuRows []string
	for _, backend := range backends {
		rows, err := dbHTTPBackend(ctx, r, root, work, log, backend, d, conns, rounds)
		if err != nil {
			return fmt.Errorf("%s: %w", backend, err)
		}
		cpuRows = append(cpuRows, rows...)
	}
	r.printf("\nCPU time per request while wrk ran (medians of the rounds): this process (its server's and its\n")
	r.printf("in-process database driver's work; 10 ms ticks from /proc) and the PostgreSQL backends serving that side.\n\n")
	r.printf("| backend | guest | native: server | guest: server | native: PostgreSQL | guest: PostgreSQL |\n")
	r.printf("| --- | --- | ---: | ---: | ---: | ---: |\n")
	for _, l := range cpuRows {
		r.printf("%s\n", l)
	}
	r.printf("\n")
	if sl, okS := dbJSONRatios["SQLite"]; okS {
		pg, okP := dbJSONRatios["PostgreSQL"]
		pgs := "not measured"
		if okP {
			pgs = fmt.Sprintf("%.2fx", pg)
		}
		r.row(3, fmt.Sprintf("%.2fx / %s", sl, pgs), sl >= 0.85 && okP && pg >= 0.85)
	}
	return nil
}

// dbJSONRatios is db.QueryJSON's HTTP ratio to native per backend, for the
// summary.
var dbJSONRatios = map[string]float64{}

func dbHTTPBackend(ctx context.Context, r *report, root, work string, log *slog.Logger, backend string, d time.Duration, conns, rounds int) (cpuRows []string, err error) {
	name := fmt.Sprintf("dbhttp_%s_%d", strings.ToLower(backend), os.Getpid())
	toml := fmt.Sprintf("name = %q\n[limits]\nidle_per_route = 16\n", name)
	pg := backend == "PostgreSQL"
	if pg {
		u := postgresURL()
		if err := ping(ctx, u); err != nil {
			shown := u
			if p, perr := url.Parse(u); perr == nil {
				shown = p.Redacted()
			}
			progress("PostgreSQL at %s is unreachable (%v): its rows are skipped; scripts/install-deps.sh starts it", shown, err)
			r.printf("| PostgreSQL | (not measured: %s unreachable) | | | | | | |\n", shown)
			return cpuRows, nil
		}
		// The host's admin URL: the app gets its own role and schema.
		prev, had := os.LookupEnv(settings.DatabaseURLEnv)
		os.Setenv(settings.DatabaseURLEnv, u)
		defer func() {
			if had {
				os.Setenv(settings.DatabaseURLEnv, prev)
			} else {
				os.Unsetenv(settings.DatabaseURLEnv)
			}
		}()
		defer pgtest.DropSchema(context.WithoutCancel(ctx), u, name)
	}
	routes := map[string]string{}
	for _, g := range dbHTTPRoutes {
		routes[g.name] = g.body
	}
	progress("building the %s measurement app", backend)
	dir, err := dbApp(ctx, root, work, name, toml, routes)
	if err != nil {
		return nil, err
	}
	var native *sql.DB
	if pg {
		cfg, err := pgx.ParseConfig(postgresURL())
		if err != nil {
			return nil, err
		}
		cfg.RuntimeParams["search_path"] = postgres.Schema(name)
		cfg.RuntimeParams["application_name"] = nativeAppName
		native = stdlib.OpenDB(*cfg)
	} else if native, err = openSQLite(dir); err != nil {
		return nil, err
	}
	native.SetMaxOpenConns(8) // as the host's pool per app
	native.SetMaxIdleConns(8)
	defer native.Close()
	nativeURL, stopNative, err := serve(nativeRows(native))
	if err != nil {
		return nil, err
	}
	defer stopNative()
	app, closeApp, err := openApp(ctx, dir, log)
	if err != nil {
		return nil, err
	}
	defer closeApp()
	guestURL, stopGuest, err := serve(app)
	if err != nil {
		return nil, err
	}
	defer stopGuest()

	// The CPU time of this process (both servers, only one loaded at a
	// time) and of the PostgreSQL backends serving each side.
	var nativeBackends, guestBackends func() (time.Duration, error)
	if pg {
		nativeBackends = func() (time.Duration, error) {
			return backendCPU(ctx, native, "application_name = '"+nativeAppName+"'")
		}
		guestBackends = func() (time.Duration, error) {
			return backendCPU(ctx, native, "usename = '"+postgres.Schema(name)+"'")
		}
	}
	for _, g := range dbHTTPRoutes {
		var nrs, grs []float64
		var ncpu, gcpu, npg, gpg []time.Duration
		for i := range rounds {
			progress("dbhttp %s %s, round %d/%d", backend, g.name, i+1, rounds)
			n, pgCPU, err := runWrkCPU(nativeURL+"/", d, conns, nativeBackends)
			if err != nil {
				return nil, err
			}
			ncpu, npg = append(ncpu, n.cpu), append(npg, pgCPU)
			gr, pgCPU, err := runWrkCPU(guestURL+"/m/"+g.name, d, conns, guestBackends)
			if err != nil {
				return nil, err
			}
			gcpu, gpg = append(gcpu, gr.cpu), append(gpg, pgCPU)
			nrs, grs = append(nrs, n.rps), append(grs, gr.rps)
		}
		cpuRows = append(cpuRows, fmt.Sprintf("| %s | %s | %.1f µs | %.1f µs | %s | %s |", backend, g.what,
			us(median(ncpu)), us(median(gcpu)), usOrDash(pg, median(npg)), usOrDash(pg, median(gpg))))
		ni, err := inProcess(nativeRows(native), "/")
		if err != nil {
			return nil, err
		}
		gi, err := inProcess(app, "/m/"+g.name)
		if err != nil {
			return nil, err
		}
		nm, gm := median(nrs), median(grs)
		if g.name == "rowsjson" {
			dbJSONRatios[backend] = gm / nm
		}
		r.printf("| %s | %s | %.0f | %.0f | %.2fx | %.1f µs | %.1f µs | %.2fx |\n", backend, g.what, nm, gm, gm/nm,
			float64(ni.Nanoseconds())/1e3, float64(gi.Nanoseconds())/1e3, float64(ni)/float64(gi))
	}
	return cpuRows, nil
}

// ping checks that the database at u answers within 5 s.
func ping(ctx context.Context, u string) error {
	db, err := sql.Open("pgx", u)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}

// nativeAppName is the application_name of the native server's PostgreSQL
// connections, by which its backends are told from the guest's.
const nativeAppName = "sandkit-bench-native"

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

func usOrDash(ok bool, d time.Duration) string {
	if !ok {
		return "–"
	}
	return fmt.Sprintf("%.1f µs", us(d))
}

// runWrkCPU is runTarget against this process (w.cpu is its CPU time per
// request) that also returns, if backends is set, the CPU time per request
// of the PostgreSQL backends it sums.
func runWrkCPU(url string, d time.Duration, conns int, backends func() (time.Duration, error)) (w wrkResult, pg time.Duration, err error) {
	var p0, p1 time.Duration
	if backends != nil {
		if p0, err = backends(); err != nil {
			return w, 0, err
		}
	}
	if w, err = runTarget(target{url: url, pid: os.Getpid()}, "", d, conns); err != nil || backends == nil || w.n == 0 {
		return w, 0, err
	}
	if p1, err = backends(); err != nil {
		return w, 0, err
	}
	return w, (p1 - p0) / time.Duration(w.n), nil
}

// backendCPU is the CPU time used so far by the PostgreSQL backends (on
// this machine) that pg_stat_activity lists under where.
func backendCPU(ctx context.Context, db *sql.DB, where string) (time.Duration, error) {
	rows, err := db.QueryContext(ctx, "SELECT pid FROM pg_stat_activity WHERE "+where)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var total time.Duration
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			return 0, err
		}
		t, err := cpuTime(pid)
		if err != nil {
			continue // the backend ended, or the server is on another machine
		}
		total += t
	}
	return total, rows.Err()
}

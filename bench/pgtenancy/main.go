// Command pgtenancy measures the two ways to give each of N apps its own
// PostgreSQL role: a schema per app in one shared database, or a database
// per app. For each it provisions N apps (a login role, and the schema or
// database that role owns), serves each app's first request cold
// (provisioning, a new connection as the app's role, CREATE TABLE, INSERT,
// SELECT), holds a sample of app connections open to read their server
// memory, and checks from one app what it can see or disturb of another's.
// Its report is the source of docs/benchmarks.md, "PostgreSQL tenancy".
//
//	go run ./bench/pgtenancy [-apps 1000] [-sample 20] [-admin URL] [-out FILE]
//
// The admin URL's role needs CREATEROLE and CREATEDB (scripts/install-deps.sh
// grants both to the test role). Server memory is read from
// /proc/<pid>/smaps_rollup of the backends, so PostgreSQL must run on this
// machine and the program as root or the postgres user. Everything it
// creates is named skbench_<pid>_…; it is dropped at the end, on Ctrl-C,
// and leftovers of an earlier run are dropped at the start.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// prefix starts the name of everything the program creates.
const prefix = "skbench_"

func main() {
	apps := flag.Int("apps", 1000, "apps provisioned per design")
	sample := flag.Int("sample", 20, "app connections held open at once to read backend memory")
	admin := flag.String("admin", "postgres://sandkit:sandkit@127.0.0.1:5432/sandkit_test?sslmode=disable", "admin URL (CREATEROLE, CREATEDB)")
	out := flag.String("out", "", "also write the report (Markdown) to this file")
	flag.Parse()
	if *apps < 2 || *apps > 5000 || *sample < 1 || *sample > 50 {
		fatalf("-apps must be 2..5000 and -sample 1..50")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	b, err := newBench(ctx, *admin)
	if err != nil {
		fatalf("%v", err)
	}
	defer b.close()
	if err := b.dropLeftovers(context.Background(), ""); err != nil {
		fatalf("dropping leftovers of an earlier run: %v", err)
	}
	var r strings.Builder
	fmt.Fprintf(&r, "Machine: %d CPUs, %s/%s, %s; PostgreSQL %s; %d apps per design, memory of %d backends held at once.\n\n",
		runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), b.serverVersion, *apps, *sample)
	var results []*result
	for _, d := range []design{schemaPerApp, databasePerApp} {
		res, err := b.run(ctx, d, *apps, *sample)
		// Clean up whatever the run created, even after an error or Ctrl-C.
		if cerr := b.dropLeftovers(context.Background(), d.tag); cerr != nil && err == nil {
			err = cerr
		}
		if err != nil {
			fatalf("%s: %v", d.name, err)
		}
		results = append(results, res)
	}
	writeReport(&r, results)
	fmt.Print(r.String())
	if *out != "" {
		if err := os.WriteFile(*out, []byte(r.String()), 0o644); err != nil {
			fatalf("%v", err)
		}
	}
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "pgtenancy: "+format+"\n", args...)
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "pgtenancy: "+format+"\n", args...)
	os.Exit(1)
}

// design is one way to isolate apps.
type design struct {
	name string
	tag  string // in the names of what it creates
	db   bool   // a database per app, else a schema per app
}

var (
	schemaPerApp   = design{name: "schema per app", tag: "s"}
	databasePerApp = design{name: "database per app", tag: "d", db: true}
)

// bench holds the admin connection.
type bench struct {
	adminURL      string
	admin         *pgx.Conn
	dbName        string
	serverVersion string
	pid           string
}

func newBench(ctx context.Context, adminURL string) (*bench, error) {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return nil, fmt.Errorf("admin connection: %w", err)
	}
	b := &bench{adminURL: adminURL, admin: conn, pid: strconv.Itoa(os.Getpid())}
	if err := conn.QueryRow(ctx, "SELECT current_database(), current_setting('server_version')").Scan(&b.dbName, &b.serverVersion); err != nil {
		conn.Close(ctx)
		return nil, err
	}
	return b, nil
}

func (b *bench) close() { b.admin.Close(context.Background()) }

// names of app i of design d: its role, and its schema or database.
func (b *bench) name(d design, i int) string {
	return fmt.Sprintf("%s%s_%s_%d", prefix, b.pid, d.tag, i)
}

// dropLeftovers drops the databases, schemas and roles named with the
// prefix: all of them if tag is "", else those of this run's design tag.
func (b *bench) dropLeftovers(ctx context.Context, tag string) error {
	like := prefix + "%"
	if tag != "" {
		like = prefix + b.pid + "_" + tag + "_%"
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	// Databases first (they hold the roles' objects), then schemas, then
	// the roles with what they own here (large objects, grants).
	var dropped []string
	for _, k := range []struct{ what, list, drop string }{
		{"databases", "SELECT datname FROM pg_database WHERE datname LIKE $1", "DROP DATABASE %s WITH (FORCE)"},
		{"schemas", "SELECT nspname FROM pg_namespace WHERE nspname LIKE $1", "DROP SCHEMA %s CASCADE"},
		{"roles", "SELECT rolname FROM pg_roles WHERE rolname LIKE $1", "DROP OWNED BY %[1]s; DROP ROLE %[1]s"},
	} {
		rows, err := b.admin.Query(ctx, k.list, like)
		if err != nil {
			return err
		}
		names, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, n := range names {
			if _, err := b.admin.Exec(ctx, fmt.Sprintf(k.drop, pgx.Identifier{n}.Sanitize())); err != nil {
				return err
			}
		}
		if len(names) > 0 {
			dropped = append(dropped, fmt.Sprintf("%d %s", len(names), k.what))
		}
	}
	if len(dropped) > 0 {
		progress("dropped %s", strings.Join(dropped, ", "))
	}
	return nil
}

// provision creates app i's role and its schema or database.
func (b *bench) provision(ctx context.Context, d design, i int) error {
	n := pgx.Identifier{b.name(d, i)}.Sanitize()
	q := "CREATE ROLE " + n + " LOGIN PASSWORD 'bench'; GRANT " + n + " TO CURRENT_USER; "
	if !d.db {
		q += "GRANT CONNECT ON DATABASE " + pgx.Identifier{b.dbName}.Sanitize() + " TO " + n +
			"; CREATE SCHEMA " + n + " AUTHORIZATION " + n
		_, err := b.admin.Exec(ctx, q)
		return err
	}
	if _, err := b.admin.Exec(ctx, q); err != nil {
		return err
	}
	// CREATE DATABASE cannot run in the implicit transaction of a script.
	if _, err := b.admin.Exec(ctx, "CREATE DATABASE "+n+" OWNER "+n); err != nil {
		return err
	}
	_, err := b.admin.Exec(ctx, "REVOKE ALL ON DATABASE "+n+" FROM PUBLIC")
	return err
}

// connect opens a connection as app i's role.
func (b *bench) connect(ctx context.Context, d design, i int) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(b.adminURL)
	if err != nil {
		return nil, err
	}
	cfg.User, cfg.Password = b.name(d, i), "bench"
	if d.db {
		cfg.Database = b.name(d, i)
	} else {
		cfg.RuntimeParams["search_path"] = pgx.Identifier{b.name(d, i)}.Sanitize()
	}
	return pgx.ConnectConfig(ctx, cfg)
}

// firstRequest is what an app's first request does.
func firstRequest(ctx context.Context, c *pgx.Conn) error {
	_, err := c.Exec(ctx, "CREATE TABLE t (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, v text); INSERT INTO t (v) VALUES ('secret value')")
	if err != nil {
		return err
	}
	var v string
	return c.QueryRow(ctx, "SELECT v FROM t WHERE id = $1", 1).Scan(&v)
}

// result is one design's measurements.
type result struct {
	design         design
	apps           int
	wake           []time.Duration // provisioning + connect + first request, per app
	provision      []time.Duration
	reconnect      []time.Duration // a new connection's first query, app already provisioned
	pssKiB         []int64         // per held backend
	privateKiB     []int64
	peakBackends   int
	diskBytes      int64 // what the N apps added on disk
	visible        []visibility
	setupDuration  time.Duration
	backendsBefore int
}

// visibility is what app 0 saw or disturbed of app 1.
type visibility struct{ what, saw string }

func (b *bench) run(ctx context.Context, d design, n, sample int) (*result, error) {
	res := &result{design: d, apps: n}
	start := time.Now()
	diskBefore, err := b.disk(ctx, d)
	if err != nil {
		return nil, err
	}
	b.admin.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'").Scan(&res.backendsBefore)
	progress("%s: provisioning and waking %d apps", d.name, n)
	for i := range n {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		t0 := time.Now()
		if err := b.provision(ctx, d, i); err != nil {
			return nil, fmt.Errorf("provisioning app %d: %w", i, err)
		}
		t1 := time.Now()
		c, err := b.connect(ctx, d, i)
		if err != nil {
			return nil, fmt.Errorf("app %d: %w", i, err)
		}
		err = firstRequest(ctx, c)
		c.Close(ctx)
		if err != nil {
			return nil, fmt.Errorf("app %d: first request: %w", i, err)
		}
		res.provision = append(res.provision, t1.Sub(t0))
		res.wake = append(res.wake, time.Since(t0))
		if (i+1)%100 == 0 {
			progress("%s: %d apps", d.name, i+1)
		}
	}
	diskAfter, err := b.disk(ctx, d)
	if err != nil {
		return nil, err
	}
	res.diskBytes = diskAfter - diskBefore
	// A new connection of an app already provisioned (a host restarted,
	// or the app's pool emptied while idle), for a spread of apps.
	for i := 0; i < n; i += max(1, n/100) {
		t0 := time.Now()
		c, err := b.connect(ctx, d, i)
		if err != nil {
			return nil, err
		}
		var v string
		err = c.QueryRow(ctx, "SELECT v FROM t WHERE id = $1", 1).Scan(&v)
		res.reconnect = append(res.reconnect, time.Since(t0))
		c.Close(ctx)
		if err != nil {
			return nil, err
		}
	}
	// Server memory: sample apps' connections held at once after a request.
	var held []*pgx.Conn
	defer func() {
		for _, c := range held {
			c.Close(context.Background())
		}
	}()
	for k := range sample {
		i := k * (n / sample)
		c, err := b.connect(ctx, d, i)
		if err != nil {
			return nil, err
		}
		held = append(held, c)
		var pid int
		var v string
		if err := c.QueryRow(ctx, "SELECT v, pg_backend_pid() FROM t WHERE id = $1", 1).Scan(&v, &pid); err != nil {
			return nil, err
		}
		pss, priv, err := backendMemory(pid)
		if err != nil {
			return nil, fmt.Errorf("reading backend memory (run on the database's machine, as root or postgres): %w", err)
		}
		res.pssKiB = append(res.pssKiB, pss)
		res.privateKiB = append(res.privateKiB, priv)
	}
	b.admin.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'").Scan(&res.peakBackends)
	res.peakBackends -= res.backendsBefore
	for _, c := range held {
		c.Close(ctx)
	}
	held = nil
	if res.visible, err = b.cross(ctx, d); err != nil {
		return nil, fmt.Errorf("cross-app checks: %w", err)
	}
	res.setupDuration = time.Since(start)
	progress("%s: done in %s", d.name, res.setupDuration.Round(time.Second))
	return res, nil
}

// disk is the size of what the design's apps occupy: the shared database,
// or every database of the design.
func (b *bench) disk(ctx context.Context, d design) (int64, error) {
	var size int64
	var err error
	if d.db {
		err = b.admin.QueryRow(ctx, "SELECT coalesce(sum(pg_database_size(datname)), 0)::bigint FROM pg_database WHERE datname LIKE $1",
			prefix+b.pid+"_"+d.tag+"_%").Scan(&size)
	} else {
		err = b.admin.QueryRow(ctx, "SELECT pg_database_size(current_database())").Scan(&size)
	}
	return size, err
}

// backendMemory reads a backend's proportional and private resident memory.
func backendMemory(pid int) (pss, private int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(fields[1], 10, 64)
		switch fields[0] {
		case "Pss:":
			pss = v
		case "Private_Clean:", "Private_Dirty:":
			private += v
		}
	}
	return pss, private, sc.Err()
}

// cross checks, as app 0, what it can see or disturb of app 1.
func (b *bench) cross(ctx context.Context, d design) ([]visibility, error) {
	a, err := b.connect(ctx, d, 0)
	if err != nil {
		return nil, err
	}
	defer a.Close(ctx)
	v, err := b.connect(ctx, d, 1)
	if err != nil {
		return nil, err
	}
	defer v.Close(ctx)
	own, other := b.name(d, 0), b.name(d, 1)
	var out []visibility
	add := func(what, saw string) { out = append(out, visibility{what, saw}) }
	count := func(q string, args ...any) string {
		var n int64
		if err := a.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			return "refused: " + sqlstate(err)
		}
		return strconv.FormatInt(n, 10)
	}
	like := prefix + b.pid + "_" + d.tag + "_%"

	add("other apps' rows (`SELECT` of B's table)", func() string {
		q := "SELECT count(*) FROM " + pgx.Identifier{other, "t"}.Sanitize()
		return count(q)
	}())
	add("other apps' schemas in pg_namespace", count("SELECT count(*) FROM pg_namespace WHERE nspname LIKE $1 AND nspname <> $2", like, own))
	add("other apps' tables in pg_class", count("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname LIKE $1 AND n.nspname <> $2 AND c.relkind = 'r'", like, own))
	add("other apps' databases in pg_database", count("SELECT count(*) FROM pg_database WHERE datname LIKE $1 AND datname <> $2", like, own))
	add("other apps' roles in pg_roles", count("SELECT count(*) FROM pg_roles WHERE rolname LIKE $1 AND rolname <> $2", like, own))

	if _, err := v.Exec(ctx, "ANALYZE t; SELECT v FROM t /* B's last SQL */"); err != nil {
		return nil, err
	}
	add("B's session in pg_stat_activity", count("SELECT count(*) FROM pg_stat_activity WHERE usename = $1", other))
	add("B's SQL text in pg_stat_activity", count("SELECT count(*) FROM pg_stat_activity WHERE usename = $1 AND query LIKE '%B''s last SQL%'", other))
	add("B's values in pg_stats", count("SELECT count(*) FROM pg_stats WHERE schemaname = $1 OR (schemaname = 'public' AND tablename = 't' AND $2)", other, d.db))

	// NOTIFY: A notifies first, then B notifies itself; notifications
	// arrive in commit order, so B sees A's first if the channel is shared.
	if _, err := v.Exec(ctx, "LISTEN ch"); err != nil {
		return nil, err
	}
	if _, err := a.Exec(ctx, "NOTIFY ch, 'from A'"); err != nil {
		return nil, err
	}
	if _, err := v.Exec(ctx, "NOTIFY ch, 'from B'"); err != nil {
		return nil, err
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	note, err := v.WaitForNotification(wctx)
	cancel()
	if err != nil {
		return nil, fmt.Errorf("B's own notification: %w", err)
	}
	add("A's NOTIFY on B's channel reaches B", strconv.FormatBool(note.Payload == "from A"))
	v.Exec(ctx, "UNLISTEN *")

	if _, err := v.Exec(ctx, "SELECT pg_advisory_lock(4242)"); err != nil {
		return nil, err
	}
	var got bool
	if err := a.QueryRow(ctx, "SELECT pg_try_advisory_lock(4242)").Scan(&got); err != nil {
		add("B's advisory lock blocks A", "refused: "+sqlstate(err))
	} else {
		add("B's advisory lock blocks A", strconv.FormatBool(!got))
	}
	add("B's advisory locks in pg_locks", count("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity s ON s.pid = l.pid WHERE l.locktype = 'advisory' AND s.usename = $1", other))
	v.Exec(ctx, "SELECT pg_advisory_unlock_all()")

	var oid uint32
	if err := v.QueryRow(ctx, "SELECT lo_from_bytea(0, 'B''s large object')").Scan(&oid); err != nil {
		return nil, err
	}
	add("B's large object in pg_largeobject_metadata", count("SELECT count(*) FROM pg_largeobject_metadata WHERE oid = $1", oid))
	add("B's large object readable (`lo_get`)", func() string {
		var b []byte
		if err := a.QueryRow(ctx, "SELECT lo_get($1)", oid).Scan(&b); err != nil {
			return "refused: " + sqlstate(err)
		}
		return "read " + strconv.Itoa(len(b)) + " bytes"
	}())
	add("A may create large objects", func() string {
		var o uint32
		if err := a.QueryRow(ctx, "SELECT lo_create(0)").Scan(&o); err != nil {
			return "refused: " + sqlstate(err)
		}
		return "true"
	}())
	add("A may create tables in public", func() string {
		if _, err := a.Exec(ctx, "CREATE TABLE public.skbench_drop (x int)"); err != nil {
			return "refused: " + sqlstate(err)
		}
		a.Exec(ctx, "DROP TABLE public.skbench_drop")
		if d.db {
			return "true (its own database's public)"
		}
		return "true"
	}())
	return out, nil
}

func sqlstate(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return err.Error()
}

func pct(xs []time.Duration, p float64) time.Duration {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func median(xs []int64) int64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func writeReport(w *strings.Builder, rs []*result) {
	ms := func(d time.Duration) string {
		return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) + " ms"
	}
	fmt.Fprintf(w, "| | %s | %s |\n| --- | ---: | ---: |\n", rs[0].design.name, rs[1].design.name)
	row := func(label string, f func(r *result) string) {
		fmt.Fprintf(w, "| %s | %s | %s |\n", label, f(rs[0]), f(rs[1]))
	}
	row("provisioning, p50 / p99", func(r *result) string { return ms(pct(r.provision, .5)) + " / " + ms(pct(r.provision, .99)) })
	row("wake (provision + connect + first request), p50 / p99", func(r *result) string { return ms(pct(r.wake, .5)) + " / " + ms(pct(r.wake, .99)) })
	row("new connection + first query, p50 / p99", func(r *result) string { return ms(pct(r.reconnect, .5)) + " / " + ms(pct(r.reconnect, .99)) })
	row("backend memory after a request (PSS, median)", func(r *result) string { return fmt.Sprintf("%.1f MiB", float64(median(r.pssKiB))/1024) })
	row("backend private memory (median)", func(r *result) string { return fmt.Sprintf("%.1f MiB", float64(median(r.privateKiB))/1024) })
	row("disk added by the apps", func(r *result) string {
		return fmt.Sprintf("%.0f MiB (%.0f KiB per app)", float64(r.diskBytes)/(1<<20), float64(r.diskBytes)/1024/float64(r.apps))
	})
	row("backends to hold one connection per app", func(r *result) string {
		return fmt.Sprintf("%d (%d held for %d apps)", r.apps, r.peakBackends, len(r.pssKiB))
	})
	row("time for the whole run", func(r *result) string { return r.setupDuration.Round(time.Second).String() })
	fmt.Fprintf(w, "\nWhat app A sees of or does to app B (A connected as its own role):\n\n")
	fmt.Fprintf(w, "| | %s | %s |\n| --- | --- | --- |\n", rs[0].design.name, rs[1].design.name)
	for i := range rs[0].visible {
		fmt.Fprintf(w, "| %s | %s | %s |\n", rs[0].visible[i].what, rs[0].visible[i].saw, rs[1].visible[i].saw)
	}
}

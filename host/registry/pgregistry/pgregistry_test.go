// The fleet registry against the running PostgreSQL: two registries on one
// database stand for two hosts.

package pgregistry_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/appdb/postgres"
	"sandkit.dev/sandkit/host/registry"
	"sandkit.dev/sandkit/host/registry/internal/registrytest"
	"sandkit.dev/sandkit/host/registry/pgregistry"
	"sandkit.dev/sandkit/host/settings"
	"sandkit.dev/sandkit/internal/pgtest"
)

var discard = slog.New(slog.DiscardHandler)

// fleet opens n registries ("hosts") on one fresh schema of the test
// database, each with its own cache folder; the schema is dropped when the
// test ends.
func fleet(t *testing.T, n int) (url, schema string, regs []*pgregistry.Registry) {
	t.Helper()
	url = pgtest.URL(t)
	schema = fmt.Sprintf("sandkit__registry_t%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), url)
		if err == nil {
			conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
			conn.Close(context.Background())
		}
	})
	for range n {
		r, err := pgregistry.Open(context.Background(), url, t.TempDir(), pgregistry.WithSchema(schema), pgregistry.WithLogger(discard), pgregistry.WithPollInterval(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(r.Close)
		regs = append(regs, r)
	}
	return url, schema, regs
}

// helloC is the bundle of an examples/hello-c artifact.
func helloC(t *testing.T) []byte {
	out := filepath.Join(t.TempDir(), "hello-c")
	registrytest.WriteHelloC(t, registrytest.RepoRoot(t, 3), out, nil, nil)
	return registrytest.Pack(t, out)
}

func TestFleetDeployServeDelete(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, _, regs := fleet(t, 2)
	deployer, other := regs[0], regs[1]
	changes, err := other.Changes(ctx)
	if err != nil {
		t.Fatal(err)
	}

	bundle := helloC(t)
	v, err := deployer.Put(ctx, "shop", bytes.NewReader(bundle), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if v.Name != "v1" || v.Size != int64(len(bundle)) || len(v.SHA256) != 64 {
		t.Errorf("Put = %+v", v)
	}
	if apps, _ := other.Apps(ctx); len(apps) != 0 {
		t.Errorf("Apps before Activate = %v", apps)
	}
	if err := deployer.Activate(ctx, "shop", "v1"); err != nil {
		t.Fatal(err)
	}
	registrytest.ExpectChange(t, changes, "shop") // the other host hears of it
	apps, err := other.Apps(ctx)
	if err != nil || len(apps) != 1 || apps[0] != (registry.App{Name: "shop", Active: "v1"}) {
		t.Fatalf("Apps = %v, %v", apps, err)
	}

	// The other host checks the version out of the database and serves it.
	dir, err := other.Checkout(ctx, "shop", "v1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := registry.Check(dir, nil); err != nil {
		t.Errorf("the checkout is not the artifact: %v", err)
	}
	engine, err := host.NewEngine(host.WithLogger(discard))
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close(ctx)
	app, err := host.OpenApp(ctx, engine, dir, host.WithTenant(host.Tenant{Name: "shop", DataDir: other.DataDir("shop"), Lookup: func(string) (string, bool) { return "", false }}))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app)
	res, err := http.Get(srv.URL + "/c?name=Ada")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	srv.Close()
	app.Close(ctx)
	if res.StatusCode != 200 || strings.TrimSpace(string(body)) != "Hello, Ada! (route c)" {
		t.Errorf("GET /c: %d %q", res.StatusCode, body)
	}
	if again, err := other.Checkout(ctx, "shop", "v1"); err != nil || again != dir {
		t.Errorf("a second checkout: %q, %v; want the cached %q", again, err, dir)
	}

	v2, err := deployer.Put(ctx, "shop", bytes.NewReader(bundle), 1<<20)
	if err != nil || v2.Name != "v2" {
		t.Fatalf("second Put: %+v, %v", v2, err)
	}
	if err := deployer.Activate(ctx, "shop", "v2"); err != nil {
		t.Fatal(err)
	}
	registrytest.ExpectChange(t, changes, "shop")
	var inv *registry.InvalidError
	if err := deployer.DeleteVersion(ctx, "shop", "v2"); !errors.As(err, &inv) {
		t.Errorf("deleting the active version: %v", err)
	}
	if err := deployer.DeleteVersion(ctx, "shop", "v1"); err != nil {
		t.Fatal(err)
	}
	if v3, err := deployer.Put(ctx, "shop", bytes.NewReader(bundle), 1<<20); err != nil || v3.Name != "v3" {
		t.Errorf("Put after a delete: %+v, %v", v3, err)
	}
	vs, err := other.Versions(ctx, "shop")
	if err != nil || len(vs) != 2 || vs[0].Name != "v2" || !vs[0].Active || vs[1].Name != "v3" || vs[1].Active {
		t.Errorf("Versions = %+v, %v", vs, err)
	}
	if err := deployer.Activate(ctx, "shop", "v1"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("activating a deleted version: %v", err)
	}

	if err := deployer.Delete(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	registrytest.ExpectChange(t, changes, "shop")
	if apps, _ := other.Apps(ctx); len(apps) != 0 {
		t.Errorf("Apps after Delete = %v", apps)
	}
	if _, err := other.Versions(ctx, "shop"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("Versions after Delete: %v", err)
	}
	cancel()
	for range changes { // closed once ctx is done
	}
}

func TestFleetRefusesAndVerifies(t *testing.T) {
	ctx := context.Background()
	url, schema, regs := fleet(t, 2)
	r := regs[0]

	// A refused bundle stores nothing.
	bad := filepath.Join(t.TempDir(), "bad")
	registrytest.WriteHelloC(t, registrytest.RepoRoot(t, 3), bad, []byte("\x00asm\x01\x00\x00\x00\x01\x04\x01\x60\x00\x00\x02\x0e\x01\x03env\x06system\x00\x00"), nil)
	_, err := r.Put(ctx, "shop", bytes.NewReader(registrytest.Pack(t, bad)), 1<<20)
	var inv *registry.InvalidError
	if !errors.As(err, &inv) || !strings.Contains(err.Error(), `"env"."system"`) {
		t.Fatalf("a module importing env.system: %v", err)
	}
	if _, err := r.Put(ctx, "shop", bytes.NewReader(helloC(t)), 100); !errors.Is(err, registry.ErrTooLarge) {
		t.Errorf("a bundle over the limit: %v", err)
	}
	if _, err := r.Versions(ctx, "shop"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("after refusals, Versions: %v", err)
	}

	// A row changed behind the registry's back is not checked out.
	if _, err := r.Put(ctx, "shop", bytes.NewReader(helloC(t)), 1<<20); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tamper := "UPDATE " + pgx.Identifier{schema}.Sanitize() + ".versions SET bundle = overlay(bundle placing '\\xff'::bytea from 40) WHERE app = 'shop'"
	if _, err := conn.Exec(ctx, tamper); err != nil {
		t.Fatal(err)
	}
	if _, err := regs[1].Checkout(ctx, "shop", "v1"); err == nil || !strings.Contains(err.Error(), "the row was changed") {
		t.Errorf("checkout of a changed row: %v", err)
	}
	if _, err := regs[1].Checkout(ctx, "shop", "v9"); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("checkout of a missing version: %v", err)
	}

	// A notification that is not an app name is not delivered.
	cctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	changes, err := regs[1].Changes(cctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "SELECT pg_notify($1, $2)", schema, "../etc"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "SELECT pg_notify($1, $2)", schema, "marker"); err != nil {
		t.Fatal(err)
	}
	marked := false
	for got := range changes {
		if got == "../etc" {
			t.Error("a bad payload was delivered")
		}
		if got == "marker" {
			marked = true
			break
		}
	}
	if !marked {
		t.Error("the notification after the bad one was not delivered in a minute")
	}
}

func TestFleetTokens(t *testing.T) {
	ctx := context.Background()
	_, _, regs := fleet(t, 2)
	tok, err := regs[0].AddToken(ctx, "shop")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		app, token string
		want       bool
	}{
		{"shop", tok, true},
		{"blog", tok, false},
		{"shop", registry.HashToken(tok), false},
		{"shop", "", false},
	} {
		if ok, err := regs[1].CheckToken(ctx, tc.app, tc.token); err != nil || ok != tc.want {
			t.Errorf("CheckToken(%q, %.8s…) = %v, %v; want %v", tc.app, tc.token, ok, err, tc.want)
		}
	}
	if apps, _ := regs[1].Apps(ctx); len(apps) != 0 {
		t.Errorf("an app with a token and no version is listed: %v", apps)
	}
}

// A tenant's role cannot read the registry: not the bundles, not the token
// hashes — not even a tenant named "registry", whose role and schema are
// sandkit_registry.
func TestTenantRoleCannotReadRegistry(t *testing.T) {
	ctx := context.Background()
	url, _, _ := fleet(t, 1)
	// The default schema, as a fleet has it; dropped after if this test
	// made it.
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var existed bool
	conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", pgregistry.DefaultSchema).Scan(&existed)
	r, err := pgregistry.Open(ctx, url, t.TempDir(), pgregistry.WithLogger(discard))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !existed {
		defer conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgregistry.DefaultSchema+" CASCADE")
	}
	for _, app := range []string{"registry", fmt.Sprintf("tenant-%d", time.Now().UnixNano()%1e9)} {
		t.Run(app, func(t *testing.T) {
			h, err := postgres.New(url, app, settings.DefaultLimits, discard).Open(ctx, appdb.PolicyMigrate)
			if err != nil {
				t.Fatal(err)
			}
			defer pgtest.DropSchema(context.Background(), url, app)
			defer h.Close()
			for _, table := range []string{"apps", "versions", "tokens"} {
				q := "SELECT count(*) FROM " + pgregistry.DefaultSchema + "." + table
				var n int
				err := h.Bun().QueryRowContext(ctx, q).Scan(&n)
				var pe *pgconn.PgError
				if !errors.As(err, &pe) || pe.Code != "42501" {
					t.Errorf("%s as the tenant's role: %v, want permission denied (42501)", q, err)
				}
			}
		})
	}
}

// Changes finds what no notification announced: by its periodic re-read,
// and after its listening connection is cut.
func TestFleetChangesWithoutNotifications(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url, schema, regs := fleet(t, 1)
	r := regs[0]
	bundle := helloC(t)
	for range 2 {
		if _, err := r.Put(ctx, "shop", bytes.NewReader(bundle), 1<<20); err != nil {
			t.Fatal(err)
		}
	}
	changes, err := r.Changes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	activate := func(n int) {
		t.Helper()
		if _, err := conn.Exec(ctx, "UPDATE "+pgx.Identifier{schema}.Sanitize()+".apps SET active = $1 WHERE name = 'shop'", n); err != nil {
			t.Fatal(err)
		}
	}
	activate(1) // no NOTIFY
	registrytest.ExpectChange(t, changes, "shop")

	var cut int
	err = conn.QueryRow(ctx, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = $1", "LISTEN "+pgx.Identifier{schema}.Sanitize()).Scan(&cut)
	if err != nil || cut != 1 {
		t.Fatalf("cutting the listening connection: %d cut, %v", cut, err)
	}
	activate(2)
	registrytest.ExpectChange(t, changes, "shop")
	apps, _ := r.Apps(ctx)
	if len(apps) != 1 || apps[0].Active != "v2" {
		t.Errorf("Apps = %v", apps)
	}
}

func TestOpenRefusesATenantsSchema(t *testing.T) {
	url := pgtest.URL(t)
	for _, s := range []string{"sandkit_registry", "public", "sandkit__", `sandkit__x"; DROP TABLE y; --`} {
		if r, err := pgregistry.Open(context.Background(), url, t.TempDir(), pgregistry.WithSchema(s)); err == nil {
			r.Close()
			t.Errorf("WithSchema(%q) was accepted", s)
		}
	}
}

func TestFleetConcurrentPutsGetDistinctVersions(t *testing.T) {
	ctx := context.Background()
	_, _, regs := fleet(t, 2)
	bundle := helloC(t)
	const n = 6
	names := make(chan string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			v, err := regs[i%2].Put(ctx, "shop", bytes.NewReader(bundle), 1<<20)
			if err != nil {
				t.Error(err)
			}
			names <- v.Name
		})
	}
	wg.Wait()
	close(names)
	var got []string
	for s := range names {
		got = append(got, s)
	}
	slices.Sort(got)
	if want := []string{"v1", "v2", "v3", "v4", "v5", "v6"}; !slices.Equal(got, want) {
		t.Errorf("versions %q, want %q", got, want)
	}
}

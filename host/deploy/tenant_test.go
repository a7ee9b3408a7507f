package deploy_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/appdb/postgres"
	"sandkit.dev/sandkit/host/deploy"
	"sandkit.dev/sandkit/host/settings"
	"sandkit.dev/sandkit/internal/pgtest"
)

// notesV1 and notesBad are an app's migrations: one that works, then one
// that fails after another that works.
var (
	notesV1 = map[string]string{
		"migrations/0001_notes.up.sql": "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n",
	}
	notesBad = map[string]string{
		"migrations/0001_notes.up.sql": "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n",
		"migrations/0002_bad.up.sql":   "ALTER TABLE no_such_table ADD COLUMN x TEXT;\n",
	}
)

// Migrations run on the database the host places the tenant in: by
// default the registry's data folder, or the folder WithTenants gives.
func TestMigrationsPlacement(t *testing.T) {
	bundle := pack(t, cApp(t, notesV1))
	a := newAdmin(t)
	expect(t, "upload", a.call(t, "POST", "/v1/apps/notes/versions", opToken, bundle), 201, `"migrations":["0001_notes"]`)
	if fi, err := os.Stat(filepath.Join(a.reg.DataDir("notes"), "app.db")); err != nil || fi.Size() == 0 {
		t.Errorf("no database in the registry's data folder: %v", err)
	}

	elsewhere := t.TempDir()
	b := newAdmin(t, deploy.WithTenants(func(app string) host.Tenant {
		return host.Tenant{DataDir: filepath.Join(elsewhere, app), Lookup: func(string) (string, bool) { return "", false }}
	}))
	expect(t, "upload placed", b.call(t, "POST", "/v1/apps/notes/versions", opToken, bundle), 201, `"migrations":["0001_notes"]`)
	if _, err := os.Stat(filepath.Join(elsewhere, "notes", "app.db")); err != nil {
		t.Errorf("the migration did not run where the tenant is placed: %v", err)
	}
}

// A tenant whose environment names PostgreSQL (the host's
// SANDKIT_DATABASE_URL, given by WithTenants) is migrated in its own schema
// as its own role; a failing migration there aborts the activation too.
func TestMigrationsPostgres(t *testing.T) {
	pg := pgtest.URL(t)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, pg)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	app := fmt.Sprintf("pgdeploy-%d-%d", os.Getpid(), time.Now().UnixNano()%1e6)
	t.Cleanup(func() {
		if err := pgtest.DropSchema(context.Background(), pg, app); err != nil {
			t.Errorf("dropping %s: %v", app, err)
		}
	})
	env := map[string]string{settings.DatabaseURLEnv: pg}
	a := newAdmin(t, deploy.WithTenants(func(string) host.Tenant {
		return host.Tenant{Lookup: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	}), deploy.WithDropData(func(ctx context.Context, app string) error { return postgres.Drop(ctx, pg, app) }))
	expect(t, "v1", a.call(t, "POST", "/v1/apps/"+app+"/versions", opToken, pack(t, cApp(t, notesV1))), 201, `"migrations":["0001_notes"]`)
	expect(t, "v2", a.call(t, "POST", "/v1/apps/"+app+"/versions", opToken, pack(t, cApp(t, notesBad))), 422, "0002_bad", "no_such_table")
	if a.versions(t, app) != "v1* v2" {
		t.Errorf("versions %q", a.versions(t, app))
	}
	var owner string
	err = admin.QueryRow(ctx, "SELECT tableowner FROM pg_tables WHERE schemaname = $1 AND tablename = 'notes'", postgres.Schema(app)).Scan(&owner)
	if err != nil || owner != postgres.Schema(app) {
		t.Errorf("table notes in schema %s: owner %q, %v", postgres.Schema(app), owner, err)
	}
	if _, err := os.Stat(filepath.Join(a.reg.DataDir(app), "app.db")); err == nil {
		t.Error("a tenant on PostgreSQL got a SQLite file")
	}

	// Deleting the app drops its role and schema with it.
	expect(t, "delete", a.call(t, "DELETE", "/v1/apps/"+app, opToken, nil), 204)
	var roles, schemas int
	if err := admin.QueryRow(ctx, "SELECT (SELECT count(*) FROM pg_roles WHERE rolname = $1), (SELECT count(*) FROM pg_namespace WHERE nspname = $1)",
		postgres.Schema(app)).Scan(&roles, &schemas); err != nil {
		t.Fatal(err)
	}
	if roles != 0 || schemas != 0 {
		t.Errorf("after DELETE: %d roles and %d schemas named %s are left", roles, schemas, postgres.Schema(app))
	}
}

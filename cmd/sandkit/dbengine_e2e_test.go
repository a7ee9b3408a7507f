package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sandkit.dev/sandkit/internal/exampleapp"
	"sandkit.dev/sandkit/internal/pgtest"
)

// TestE2EDatabaseEngine: a guest learns its app's database engine, from
// its initialisation on (db.Engine in a package variable, which picks
// bun's dialect) and in a request (db.Engine, env_get), through sandkit
// serve on SQLite and then on PostgreSQL; bun's insert and select work in
// the dialect it picked. An app's [env] cannot claim the name.
func TestE2EDatabaseEngine(t *testing.T) {
	app := filepath.Join(t.TempDir(), "engineapp")
	if err := exampleapp.CopyDir(repoRoot(t), filepath.Join(repoRoot(t), "cmd", "sandkit", "testdata", "engineapp"), app); err != nil {
		t.Fatal(err)
	}
	t.Run("sqlite", func(t *testing.T) {
		s := startServeEnv(t, conduitEnv(), app)
		checkEngine(t, s.url, "sqlite", "sqlite")
	})
	t.Run("postgres", func(t *testing.T) {
		pg := pgtest.URL(t)
		name := fmt.Sprintf("engineapp_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
		t.Cleanup(func() {
			if err := pgtest.DropSchema(context.Background(), pg, name); err != nil {
				t.Error(err)
			}
		})
		s := startServeEnv(t, conduitEnv("SANDKIT_DATABASE_URL="+pg, "SANDKIT_NAME="+name), app)
		checkEngine(t, s.url, "postgres", "pg")
	})
	t.Run("reserved", func(t *testing.T) {
		toml := filepath.Join(app, "sandkit.toml")
		b, err := os.ReadFile(toml)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(toml, append(b, "\n[env]\nSANDKIT_DATABASE_ENGINE = \"postgres\"\n"...), 0o644); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute) // should it start anyway
		defer cancel()
		cmd := exec.CommandContext(ctx, sandkitBin, "serve", "--addr", "127.0.0.1:0", "--cache-dir", t.TempDir(), app)
		cmd.Env = conduitEnv()
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "env.SANDKIT_DATABASE_ENGINE: this name is reserved") {
			t.Errorf("serve with [env] SANDKIT_DATABASE_ENGINE: %v\n%s", err, out)
		}
	})
}

// checkEngine posts two notes to the engine route at base and checks that
// every way the guest learns the engine says want, that bun used the
// dialect named dialect, and that both rows came back through it.
func checkEngine(t *testing.T, base, want, dialect string) {
	t.Helper()
	for i, body := range []string{"first", "second"} {
		resp, err := http.Post(base+"/api/engine?body="+body, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("POST /api/engine: %d %s", resp.StatusCode, b)
		}
		var got struct {
			Init, Request, EnvGet, Dialect string
			ID                             int64
			Notes                          []struct {
				ID   int64
				Body string
				Made time.Time
			}
		}
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%v: %s", err, b)
		}
		if got.Init != want || got.Request != want || got.EnvGet != want || got.Dialect != dialect {
			t.Errorf("engine at init %q, in the request %q, env_get %q, bun dialect %q; want %q and dialect %q", got.Init, got.Request, got.EnvGet, got.Dialect, want, dialect)
		}
		if got.ID != int64(i+1) || len(got.Notes) != i+1 || got.Notes[i].ID != got.ID || got.Notes[i].Body != body ||
			!got.Notes[i].Made.Equal(time.Date(2026, 12, 2, 19, 0, 0, 0, time.UTC)) {
			t.Errorf("after inserting %q: %s", body, b)
		}
	}
}

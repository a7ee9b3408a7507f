package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sandkit.dev/sandkit/internal/pgtest"
	"sandkit.dev/sandkit/routing"
)

// generate runs sandkit generate ARGS in app and returns its output and
// exit code. go get (for a model) runs offline, from the module cache that
// building sandkit filled.
func generate(t *testing.T, app string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(sandkitBin, append([]string{"generate"}, args...)...)
	cmd.Dir = app
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOSUMDB=off", "GOFLAGS=-mod=mod")
	out, _ := cmd.CombinedOutput()
	return string(out), cmd.ProcessState.ExitCode()
}

// Every kind generated into an app outside the repository, then built,
// served and asked for over HTTP: the model's handler creates and lists
// rows of the table its migration made.
func TestE2EGenerate(t *testing.T) {
	app := copyExample(t, "pages") // pages, no Go code, no bun in go.mod
	slug := routing.ParamFolder("slug")
	for _, c := range []struct {
		args  []string
		files []string
	}{
		{[]string{"route", "articles/:slug"}, []string{"routes/articles/" + slug + "/handler.go", "routes/articles/" + slug + "/page.tsx"}},
		{[]string{"page", "team"}, []string{"routes/team/page.tsx"}},
		{[]string{"page", "files/*path"}, []string{"routes/files/" + routing.CatchAllFolder("path") + "/page.tsx"}},
		{[]string{"handler", "api/ping"}, []string{"routes/api/ping/handler.go"}},
		{[]string{"model", "Note", "title:string", "body:text", "pinned:bool", "published:time?", "score:float?"},
			[]string{"models/note.go", "models/db.go", "routes/api/notes/handler.go", "migrations/0001_create_notes.up.sql",
				"migrations/0001_create_notes.postgres.up.sql", "migrations/0001_create_notes.down.sql"}},
		{[]string{"migration", "add_tags"}, []string{"migrations/0002_add_tags.up.sql", "migrations/0002_add_tags.down.sql"}},
	} {
		out, code := generate(t, app, c.args...)
		if code != 0 {
			t.Fatalf("generate %v: exit %d\n%s", c.args, code, out)
		}
		for _, f := range c.files {
			if !strings.Contains(out, "created "+f+"\n") {
				t.Errorf("generate %v: does not report %s:\n%s", c.args, f, out)
			}
			if _, err := os.Stat(filepath.Join(app, f)); err != nil {
				t.Error(err)
			}
		}
	}
	if mod, _ := os.ReadFile(filepath.Join(app, "go.mod")); !strings.Contains(string(mod), "github.com/uptrace/bun v") {
		t.Errorf("go.mod does not require bun:\n%s", mod)
	}

	// Nothing is overwritten unless told.
	page := filepath.Join(app, "routes", "articles", slug, "page.tsx")
	os.WriteFile(page, []byte("// mine\nexport default function P() { return <p>mine</p>; }\n"), 0o644)
	for _, args := range [][]string{{"route", "articles/:slug"}, {"model", "Note", "title:string"}} {
		out, code := generate(t, app, args...)
		if code != 1 || !strings.Contains(out, "not overwriting") || !strings.Contains(out, "--force") {
			t.Errorf("generate %v over existing files: exit %d\n%s", args, code, out)
		}
	}
	if b, _ := os.ReadFile(page); !strings.HasPrefix(string(b), "// mine") {
		t.Error("page.tsx was overwritten")
	}
	if out, code := generate(t, app, "route", "articles/:slug", "--force"); code != 0 {
		t.Errorf("--force: exit %d\n%s", code, out)
	}

	// A name of its own, for a schema of its own on PostgreSQL.
	name := fmt.Sprintf("gen_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	os.WriteFile(filepath.Join(app, "sandkit.toml"), []byte(fmt.Sprintf("name = %q\n", name)), 0o644)
	out := buildArtifact(t, app)
	expectGenerated(t, startServeEnv(t, noToolsEnv(t), out))

	// The same artifact on PostgreSQL: the migration's .postgres. variant.
	if testing.Short() {
		return
	}
	pg := os.Getenv("SANDKIT_TEST_POSTGRES")
	if pg == "" {
		pg = "postgres://sandkit:sandkit@127.0.0.1:5432/sandkit_test?sslmode=disable"
	}
	t.Cleanup(func() {
		if err := pgtest.DropSchema(context.Background(), pg, name); err != nil {
			t.Error(err)
		}
	})
	os.RemoveAll(filepath.Join(out, "data"))
	expectGenerated(t, startServeEnv(t, append(noToolsEnv(t), "SANDKIT_DATABASE_URL="+pg), out))
}

// expectGenerated asks s for the routes TestE2EGenerate generated.
func expectGenerated(t *testing.T, s *server) {
	t.Helper()
	for _, c := range []struct{ method, path, body, want string }{
		{"POST", "/api/notes", `{"title":"first","body":"hello","pinned":true,"published":"2026-01-02T03:04:05Z"}`,
			`{"id":1,"title":"first","body":"hello","pinned":true,"published":"2026-01-02T03:04:05Z","score":null,"created_at":"`},
		{"POST", "/api/notes", `{"title":"second","body":"","score":2.5}`, `"id":2,"title":"second","body":"","pinned":false,"published":null,"score":2.5`},
		{"GET", "/api/notes", "", `[{"id":1,"title":"first"`},
		{"GET", "/api/notes?after=1", "", `[{"id":2,"title":"second"`},
		{"GET", "/api/ping", "", `{"message":"Hello from /api/ping"}`},
		{"GET", "/articles/hello-world", "", "<h1>Hello from /articles/{slug}</h1>"},
		{"GET", "/team", "", "<h1>/team</h1>"},
		{"GET", "/files/a/b.txt", "", "path: <!-- -->a/b.txt"},
	} {
		want := 200
		if c.method == "POST" {
			want = 201
		}
		r := request(t, c.method, s.url+c.path, "application/json", c.body)
		if r.status != want || !strings.Contains(r.body, c.want) {
			t.Errorf("%s %s: %d, want %d with %q:\n%.800s", c.method, c.path, r.status, want, c.want, r.body)
		}
	}
	if r := request(t, "GET", s.url+"/api/notes", "", ""); strings.Count(r.body, `"id":`) != 2 {
		t.Errorf("GET /api/notes: want 2 rows: %s", r.body)
	}
}

// Mistakes in how generate is called are usage errors (exit 2) that say
// what to write instead, and write nothing.
func TestE2EGenerateUsage(t *testing.T) {
	app := copyExample(t, "hello")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"route"}, "want a KIND and a NAME"},
		{[]string{"widget", "x"}, `unknown kind "widget"`},
		{[]string{"model", "Post"}, "a model needs fields"},
		{[]string{"model", "Post", "title:varchar"}, "TYPE one of string, text, int"},
		{[]string{"model", "Post", "order:int"}, "reserved word of SQL"},
		{[]string{"model", "Post", "Title:string"}, "snake_case"},
		{[]string{"model", "Post", "id:int"}, "every model has id and created_at"},
		{[]string{"route", "posts/:a/:a"}, "appears twice"},
		{[]string{"route", "_lib/x"}, "never routed"},
		{[]string{"page", "docs/*rest/more"}, "catch-all"},
		{[]string{"page", "x", "title:string"}, "fields (title:string) are for a model"},
	} {
		out, code := generate(t, app, c.args...)
		if code != 2 || !strings.Contains(out, c.want) {
			t.Errorf("generate %v: exit %d, want 2 and %q:\n%s", c.args, code, c.want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(app, "models")); err == nil {
		t.Error("a refused model wrote files")
	}
	if out, code := generate(t, app, "--help"); code != 0 || !strings.Contains(out, "published:time?") {
		t.Errorf("--help: exit %d\n%s", code, out)
	}
}

package main

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the sandkit binary in dir with extra environment variables
// and returns its exit code and outputs.
func runCLI(t *testing.T, dir string, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(sandkitBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, o.String(), e.String()
}

// expectOutput checks a run's exit code and that its output has each of want
// and none of never.
func expectOutput(t *testing.T, code int, stdout, stderr string, wantCode int, want, never []string) {
	t.Helper()
	out := stdout + stderr
	if code != wantCode {
		t.Errorf("exit code %d, want %d\n%s", code, wantCode, out)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	for _, n := range never {
		if strings.Contains(out, n) {
			t.Errorf("output has %q:\n%s", n, out)
		}
	}
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The smaller defects of issue 9, each through the binary.
func TestCLIDefects(t *testing.T) {
	app := copyExample(t, "hello")
	missing := filepath.Join(t.TempDir(), "nope")

	t.Run("missing folder", func(t *testing.T) {
		for _, cmd := range []string{"serve", "build", "routes", "check", "config"} {
			code, o, e := runCLI(t, ".", nil, cmd, missing)
			expectOutput(t, code, o, e, 1, []string{missing + " does not exist", "hint: "}, []string{"no routes/ folder"})
		}
	})
	t.Run("migrate help", func(t *testing.T) {
		code, o, e := runCLI(t, ".", nil, "migrate", "help")
		expectOutput(t, code, o, e, 0, []string{"Usage: sandkit migrate"}, []string{"does not exist", "routes/"})
	})
	t.Run("build . names its output", func(t *testing.T) {
		code, o, e := runCLI(t, app, nil, "build", ".")
		expectOutput(t, code, o, e, 0, []string{"-> .sandkit/build/handlers.wasm ("}, []string{"->  ("})
	})
	t.Run("busy port before the build", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		broken := copyExample(t, "hello")
		writeFile(t, filepath.Join(broken, "routes", "echo", "handler.go"), "package echo\n\nfunc Post( {\n")
		code, o, e := runCLI(t, ".", nil, "serve", broken, "--addr", ln.Addr().String(), "--cache-dir", t.TempDir())
		// The build would fail; the port is reported first, with the fix.
		expectOutput(t, code, o, e, 1, []string{ln.Addr().String() + " is already in use", "--addr 127.0.0.1:0"}, []string{"handler.go:3"})
	})
	t.Run("settings error before the build", func(t *testing.T) {
		broken := copyExample(t, "hello")
		writeFile(t, filepath.Join(broken, "routes", "echo", "handler.go"), "package echo\n\nfunc Post( {\n")
		writeFile(t, filepath.Join(broken, "sandkit.toml"), "[limits]\nrequest_timeout = 5\n")
		code, o, e := runCLI(t, ".", nil, "serve", broken, "--addr", "127.0.0.1:0", "--cache-dir", t.TempDir())
		expectOutput(t, code, o, e, 1, []string{"sandkit.toml:2:1: limits.request_timeout: want a string such as \"10s\""}, []string{"handler.go:3"})
	})
	t.Run("npm failure names a fix", func(t *testing.T) {
		a := copyExample(t, "pages")
		b, _ := os.ReadFile(filepath.Join(a, "package.json"))
		writeFile(t, filepath.Join(a, "package.json"), strings.Replace(string(b), `"dependencies": {`, `"dependencies": {"left-pad": "1.3.0",`, 1))
		code, o, e := runCLI(t, ".", []string{"npm_config_offline=true"}, "build", a)
		expectOutput(t, code, o, e, 1, []string{"npm ci in ", "hint: ", "npm install --ignore-scripts` in " + a}, nil)
	})
	t.Run("go get hint that works", func(t *testing.T) {
		a := copyExample(t, "hello")
		writeFile(t, filepath.Join(a, "routes", "api", "uuid", "handler.go"), `package uuid

import (
	gu "github.com/google/uuid"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

func Get(r *sandkit.Request) sandkit.Response { return sandkit.Text(200, gu.NewString()) }
`)
		f, _ := os.OpenFile(filepath.Join(a, "go.mod"), os.O_APPEND|os.O_WRONLY, 0)
		f.WriteString("\nrequire github.com/google/uuid v1.6.0\n")
		f.Close()
		code, o, e := runCLI(t, ".", []string{"GOPROXY=off", "GOFLAGS=-mod=readonly"}, "build", a)
		expectOutput(t, code, o, e, 1, []string{"routes/api/uuid/handler.go:4:2", "hint: run `go get github.com/google/uuid` in " + a}, []string{"go get routes/"})
	})
}

func TestCLIConfig(t *testing.T) {
	app := copyExample(t, "hello")
	writeFile(t, filepath.Join(app, "sandkit.production.toml"), "[limits]\nmemory_pages = 2048\n")
	writeFile(t, filepath.Join(app, "sandkit.toml"), "name = \"hello\"\n\n[limits]\nrequest_timeout = \"2s\"\nmemory_pages = 512\n\n[env]\nSECRET = { from_env = \"HELLO_SECRET\" }\nTOKEN = \"dev\"\n")
	env := []string{"SANDKIT_ENV=production", "SANDKIT_LIMITS_REQUEST_TIMEOUT=3s", "HELLO_SECRET=hunter2", "SANDKIT_ENV_TOKEN=tok3n", "SANDKIT_DATABASE_URL=postgres://app:pw@db/x",
		"SANDKIT_SECRET_KEY=s3cret-s3cret-s3cret-s3cret-s3cret"}
	code, o, e := runCLI(t, ".", env, "config", app)
	toml, prod := filepath.Join(app, "sandkit.toml"), filepath.Join(app, "sandkit.production.toml")
	expectOutput(t, code, o, e, 0, []string{
		`# environment "production" ($SANDKIT_ENV)`,
		"name ", `"hello"`, toml + ":1",
		`"3s"`, "# $SANDKIT_LIMITS_REQUEST_TIMEOUT",
		"2048", "# " + prod + ":2",
		"<set by HELLO_SECRET>", toml + ":8 (from_env HELLO_SECRET)",
		`"postgres://app:xxxxx@db/x"`, "# $SANDKIT_DATABASE_URL", "<set by SANDKIT_ENV_TOKEN>",
		`limits.statement_timeout`, `"5s"`, "# default",
		"secret_key", "<secret>", "# $SANDKIT_SECRET_KEY",
	}, []string{"hunter2", ":pw@", "tok3n", "s3cret"})

	// An error names the file and line, or the variable.
	writeFile(t, prod, "[limits]\nmemory_page = 2048\n")
	code, o, e = runCLI(t, ".", env, "config", app)
	expectOutput(t, code, o, e, 1, []string{prod + ":2:1: unknown setting limits.memory_page", "did you mean limits.memory_pages?"}, nil)
	code, o, e = runCLI(t, ".", []string{"SANDKIT_LIMITS_MEMORY_PAGES=lots", "HELLO_SECRET=x"}, "config", app)
	expectOutput(t, code, o, e, 1, []string{"$SANDKIT_LIMITS_MEMORY_PAGES: limits.memory_pages: want a positive integer, got \"lots\""}, nil)

	// The database is the host operator's: an app's file naming one is refused.
	writeFile(t, prod, "[database]\nurl = \"postgres://app:pw@db/x\"\n")
	code, o, e = runCLI(t, ".", env, "config", app)
	expectOutput(t, code, o, e, 1, []string{prod + ":2:1: [database] url is not an app's setting", "hint: remove it from the file and set SANDKIT_DATABASE_URL"}, []string{":pw@"})
}

func TestCLIRoutesAndCheck(t *testing.T) {
	app := copyExample(t, "hello")
	code, o, e := runCLI(t, ".", nil, "routes", app)
	expectOutput(t, code, o, e, 0, []string{"ROUTE", "PATTERN", "/hello/{name}", "api/info", "/api/info"}, nil)
	code, o, e = runCLI(t, app, nil, "check")
	expectOutput(t, code, o, e, 0, []string{"ok   settings", "ok   routes", "ok   go.mod", "ok   migrations"}, []string{"FAIL"})

	// One problem of each kind.
	bad := t.TempDir()
	writeFile(t, filepath.Join(bad, "sandkit.toml"), "[limits]\nrequest_timeout = 5\n")
	writeFile(t, filepath.Join(bad, "routes", "page.tsx"), "export default function Home() { return null }\n")
	writeFile(t, filepath.Join(bad, "routes", "api", "handler.go"), "package api\n")
	writeFile(t, filepath.Join(bad, "routes", "api", "handler.wasm"), "\x00asm\x01\x00\x00\x00")
	writeFile(t, filepath.Join(bad, "package.json"), `{"dependencies":{"react":"19.0.0"}}`)
	writeFile(t, filepath.Join(bad, "migrations", "1-init.up.sql"), "create table t (x int);\n")
	writeFile(t, filepath.Join(bad, "migrations", "0002_gone.down.sql"), "drop table t;\n")
	code, o, e = runCLI(t, ".", nil, "check", bad)
	expectOutput(t, code, o, e, 1, []string{
		"FAIL settings", filepath.Join(bad, "sandkit.toml") + ":2:1: limits.request_timeout: want a string",
		"FAIL routes", "routes/api: both handler.wasm and Go source",
		"FAIL npm", "lack react-dom, react-router", "npm install react-dom react-router",
		"package-lock.json: missing",
		"FAIL migrations", "migrations/1-init.up.sql", "0002_gone.down.sql: a down migration without its up migration",
	}, nil)
	expectOutput(t, code, o, e, 1, []string{"FAIL go.mod", "go.mod: not found", "go mod init"}, nil)
}

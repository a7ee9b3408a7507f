package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sandkit.dev/sandkit/host/deploy"
	"sandkit.dev/sandkit/host/registry"
)

// testAdmin serves the deploy API over a new bundle directory on loopback,
// with the operator token "op".
func testAdmin(t *testing.T, opts ...deploy.Option) (*registry.Dir, string) {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	reg, err := registry.OpenDir(t.TempDir(), registry.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(deploy.New(reg, append([]deploy.Option{deploy.WithOperatorToken("op"), deploy.WithLogger(quiet)}, opts...)...))
	t.Cleanup(srv.Close)
	return reg, srv.URL
}

// activeOf is app's active version in reg ("" if none).
func activeOf(t *testing.T, reg registry.Registry, app string) string {
	t.Helper()
	apps, err := reg.Apps(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range apps {
		if a.Name == app {
			return a.Active
		}
	}
	return ""
}

// sandkit deploy builds an app in a temporary folder, uploads it to a
// host's admin listener with the app's deploy token and the registry lists
// it active; the errors a user meets say what happened.
func TestE2EDeploy(t *testing.T) {
	app := copyExample(t, "hello")
	reg, url := testAdmin(t)
	secret, err := reg.AddToken(context.Background(), "hello")
	if err != nil {
		t.Fatal(err)
	}
	token := "SANDKIT_DEPLOY_TOKEN=" + deploy.DeployToken("hello", secret)

	// Nothing listens there.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	code, stdout, stderr := runCLI(t, "", []string{token}, "deploy", app, "--to", closed)
	expectOutput(t, code, stdout, stderr, 1, []string{"cannot reach the host", "--admin-addr"}, nil)

	// Something else listens there (the apps' listener, say).
	notAdmin := httptest.NewServer(http.NotFoundHandler())
	defer notAdmin.Close()
	code, stdout, stderr = runCLI(t, "", []string{token}, "deploy", app, "--to", notAdmin.URL)
	expectOutput(t, code, stdout, stderr, 1, []string{"404 Not Found", "is --to the host's admin listener"}, nil)

	// No token, then another app's.
	code, stdout, stderr = runCLI(t, "", []string{"SANDKIT_DEPLOY_TOKEN="}, "deploy", app, "--to", url)
	expectOutput(t, code, stdout, stderr, 1, []string{"401 Unauthorized", "hint: pass the app's deploy token"}, nil)
	other, _ := reg.AddToken(context.Background(), "other")
	code, stdout, stderr = runCLI(t, "", nil, "deploy", app, "--to", url, "--token", deploy.DeployToken("other", other))
	expectOutput(t, code, stdout, stderr, 1, []string{"403 Forbidden", `app "other"`}, nil)
	if _, err := reg.Versions(context.Background(), "hello"); err == nil {
		t.Fatal("a refused deploy stored a version")
	}

	// The deploy.
	code, stdout, stderr = runCLI(t, "", []string{token}, "deploy", app, "--to", url)
	expectOutput(t, code, stdout, stderr, 0, []string{"hello v1 is active on " + url}, nil)
	if got := activeOf(t, reg, "hello"); got != "v1" {
		t.Fatalf("the registry's active version of hello: %q\n%s", got, stderr)
	}

	// Stored only, then activated with --rollback; --list shows both.
	code, stdout, stderr = runCLI(t, "", []string{token}, "deploy", app, "--to", url, "--no-activate")
	expectOutput(t, code, stdout, stderr, 0, []string{"hello v2 is stored", "sandkit deploy --rollback hello v2 --to " + url}, nil)
	if got := activeOf(t, reg, "hello"); got != "v1" {
		t.Errorf("after --no-activate: active %q", got)
	}
	code, stdout, stderr = runCLI(t, "", []string{token}, "deploy", "--rollback", "hello", "v2", "--to", url)
	expectOutput(t, code, stdout, stderr, 0, []string{"hello v2 is active"}, nil)
	code, stdout, stderr = runCLI(t, "", []string{token}, "deploy", "--list", "hello", "--to", url)
	expectOutput(t, code, stdout, stderr, 0, []string{"VERSION", "v1 ", "v2 "}, nil)
	if lines := strings.Split(strings.TrimSpace(stdout), "\n"); len(lines) != 3 || !strings.HasSuffix(lines[2], "active") || strings.HasSuffix(lines[1], "active") {
		t.Errorf("--list:\n%s", stdout)
	}
	code, stdout, stderr = runCLI(t, "", nil, "deploy", "--list", "--to", url, "--token", "op")
	expectOutput(t, code, stdout, stderr, 0, []string{"APP", "hello  v2"}, nil)
	code, stdout, stderr = runCLI(t, "", []string{token}, "deploy", "--list", "--to", url)
	expectOutput(t, code, stdout, stderr, 1, []string{"403 Forbidden", "operator token"}, nil)
	code, stdout, stderr = runCLI(t, "", []string{token}, "deploy", "--rollback", "hello", "v7", "--to", url)
	expectOutput(t, code, stdout, stderr, 1, []string{"404 Not Found", "v7"}, nil)

	// Larger than the host takes.
	_, small := testAdmin(t, deploy.WithMaxBundleBytes(1000))
	code, stdout, stderr = runCLI(t, "", []string{"SANDKIT_DEPLOY_TOKEN=op"}, "deploy", app, "--to", small)
	expectOutput(t, code, stdout, stderr, 1, []string{"413 Request Entity Too Large", "max_bundle_bytes"}, nil)

	// Settings a tenant cannot load (its environment is the operator's to
	// give, not the developer's): refused, with the host's reason.
	if err := os.WriteFile(filepath.Join(app, "sandkit.toml"), []byte("[env]\nSECRET = { from_env = \"APP_SECRET\" }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCLI(t, "", []string{token, "APP_SECRET=dev"}, "deploy", app, "--to", url)
	expectOutput(t, code, stdout, stderr, 1, []string{"400 Bad Request", "APP_SECRET", "nothing was stored"}, nil)
	if got := activeOf(t, reg, "hello"); got != "v2" {
		t.Errorf("after a refused bundle: active %q", got)
	}
}

// A token is warned about when it would cross the network unencrypted.
func TestInClear(t *testing.T) {
	for _, c := range []struct {
		to, token string
		want      bool
	}{
		{"http://127.0.0.1:9090", "t", false},
		{"http://[::1]:9090", "t", false},
		{"http://localhost:9090", "t", false},
		{"https://admin.example.com", "t", false},
		{"http://admin.example.com", "", false},
		{"http://admin.example.com", "t", true},
		{"http://10.0.0.5:9090", "t", true},
	} {
		if got := inClear(c.to, c.token); got != c.want {
			t.Errorf("inClear(%q, %q) = %v", c.to, c.token, got)
		}
	}
}

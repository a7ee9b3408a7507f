package host_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sandkit.dev/sandkit/artifact"
	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/routing"
)

// An artifact is routed by its manifest (it has no routes/ of source) and
// checked before anything is served.
func TestOpenAppArtifact(t *testing.T) {
	out := filepath.Join(t.TempDir(), "dist")
	param := routing.ParamFolder("name")
	_, err := artifact.Write(out, artifact.Spec{
		App:      "shipped",
		Routes:   []string{"api/" + param + "/handler.wasm"},
		Files:    map[string]string{"routes/api/" + param + "/handler.wasm": fixture("ok.wasm")},
		Contents: map[string][]byte{"sandkit.toml": []byte("name = \"shipped\"\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	app, srv := serveApp(t, out)
	if app.Name() != "shipped" {
		t.Errorf("name %q", app.Name())
	}
	expect(t, do(t, "GET", srv.URL+"/api/x", ""), 200, "ok")

	// A changed module is found before it is compiled.
	wasm := filepath.Join(out, "routes", "api", param, "handler.wasm")
	b, _ := os.ReadFile(wasm)
	os.WriteFile(wasm, append(b, 0), 0o644)
	_, err = host.OpenApp(context.Background(), testEngine(t), out)
	if err == nil || !strings.Contains(err.Error(), "routes/api/"+param+"/handler.wasm") || !strings.Contains(err.Error(), "the manifest says") {
		t.Errorf("OpenApp of a changed artifact: %v", err)
	}
}

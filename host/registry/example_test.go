package registry_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"

	"sandkit.dev/sandkit/artifact"
	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/registry"
)

// Deploy an artifact to a bundle directory as app "shop", activate it, and
// serve the active version as the tenant shop.
func ExampleOpenDir() {
	tmp, _ := os.MkdirTemp("", "registry-example-")
	defer os.RemoveAll(tmp)

	// An artifact (sandkit build -o writes one): examples/hello-c's one
	// route, a handler written in C. Pack makes it a bundle, what sandkit
	// deploy uploads.
	wasm, _ := os.ReadFile("../../examples/hello-c/routes/c/handler.wasm")
	art := filepath.Join(tmp, "hello-c")
	artifact.Write(art, artifact.Spec{App: "hello-c", Routes: []string{"c/handler.wasm"}, Contents: map[string][]byte{
		"sandkit.toml":          []byte("name = \"hello-c\"\n"),
		"routes/c/handler.wasm": wasm,
	}})
	var bundle bytes.Buffer
	if err := registry.Pack(art, &bundle); err != nil {
		fmt.Println(err)
		return
	}

	ctx := context.Background()
	reg, err := registry.OpenDir(filepath.Join(tmp, "apps"))
	if err != nil {
		fmt.Println(err)
		return
	}
	v, err := reg.Put(ctx, "shop", &bundle, 256<<20)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := reg.Activate(ctx, "shop", v.Name); err != nil {
		fmt.Println(err)
		return
	}
	apps, _ := reg.Apps(ctx)
	for _, a := range apps {
		fmt.Println(a.Name, a.Active)
	}

	// The host serves the active version's folder, the app's data kept
	// beside its versions.
	dir, _ := reg.Checkout(ctx, "shop", apps[0].Active)
	engine, _ := host.NewEngine(host.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer engine.Close(ctx)
	app, err := host.OpenApp(ctx, engine, dir, host.WithTenant(host.Tenant{
		Name:    "shop",
		DataDir: reg.DataDir("shop"),
		Lookup:  func(string) (string, bool) { return "", false },
	}))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer app.Close(ctx)
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, httptest.NewRequest("GET", "/c?name=Ada", nil))
	fmt.Print(rec.Code, " ", rec.Body.String())
	// Output:
	// shop v1
	// 200 Hello, Ada! (route c)
}

package tenant_test

import (
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
	"sandkit.dev/sandkit/host/tenant"
)

// Serve two apps from one bundle directory: each is an artifact (what
// sandkit build -o writes) whose one route, /c, is a handler written in C.
func Example() {
	apps, _ := os.MkdirTemp("", "apps")
	defer os.RemoveAll(apps)
	for _, name := range []string{"blog", "shop"} {
		_, err := artifact.Write(filepath.Join(apps, name), artifact.Spec{
			App:    name,
			Routes: []string{"c/handler.wasm"},
			Files:  map[string]string{"routes/c/handler.wasm": "../../examples/hello-c/routes/c/handler.wasm"},
		})
		if err != nil {
			fmt.Println(err)
			return
		}
	}

	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	engine, _ := host.NewEngine(host.WithLogger(quiet))
	defer engine.Close(ctx)
	reg, _ := registry.OpenDir(apps, registry.WithLogger(quiet))
	h, err := tenant.New(ctx, engine, reg, tenant.Config{BaseDomain: "apps.example.com", PathPrefix: true}, tenant.WithLogger(quiet))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer h.Close(ctx)

	for _, target := range []string{"http://blog.apps.example.com/c?name=Ada", "http://localhost/shop/c?name=Bob", "http://news.apps.example.com/c"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		fmt.Print(rec.Code, " ", rec.Body.String())
	}
	fmt.Println(h.Apps(), h.Stats()[0].Loads, h.Stats()[1].Loads)
	// Output:
	// 200 Hello, Ada! (route c)
	// 200 Hello, Bob! (route c)
	// 404 {"error":{"status":404,"message":"no app named news is served here"}}
	// [blog shop] 1 1
}

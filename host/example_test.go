package host_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"

	"sandkit.dev/sandkit/host"
)

// Serve an app whose one route, /c, is a handler written in C.
func Example() {
	dir, _ := os.MkdirTemp("", "app")
	defer os.RemoveAll(dir)
	wasm, _ := os.ReadFile("../examples/hello-c/routes/c/handler.wasm")
	os.MkdirAll(filepath.Join(dir, "routes", "c"), 0o755)
	os.WriteFile(filepath.Join(dir, "routes", "c", "handler.wasm"), wasm, 0o644)

	ctx := context.Background()
	engine, _ := host.NewEngine(host.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	app, err := host.OpenApp(ctx, engine, dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer app.Close(ctx)

	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, httptest.NewRequest("GET", "/c?name=Ada", nil))
	fmt.Print(rec.Code, " ", rec.Body.String())
	// Output: 200 Hello, Ada! (route c)
}

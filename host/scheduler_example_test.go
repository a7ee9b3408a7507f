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

// Two tenants' apps on one host share the CPU fairly: each app is opened
// with the host's one Scheduler and its tenant's group.
func ExampleWithScheduler() {
	ctx := context.Background()
	engine, _ := host.NewEngine(host.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer engine.Close(ctx)
	cpu := host.NewScheduler(2) // 0: one slot per CPU

	wasm, _ := os.ReadFile("../examples/hello-c/routes/c/handler.wasm")
	for _, tenant := range []string{"alice", "bob"} {
		dir, _ := os.MkdirTemp("", tenant)
		defer os.RemoveAll(dir)
		os.MkdirAll(filepath.Join(dir, "routes", "c"), 0o755)
		os.WriteFile(filepath.Join(dir, "routes", "c", "handler.wasm"), wasm, 0o644)

		app, err := host.OpenApp(ctx, engine, dir, host.WithScheduler(cpu, tenant))
		if err != nil {
			fmt.Println(err)
			return
		}
		defer app.Close(ctx)
		rec := httptest.NewRecorder()
		app.ServeHTTP(rec, httptest.NewRequest("GET", "/c?name="+tenant, nil))
		fmt.Print(rec.Code, " ", rec.Body.String())
	}
	fmt.Println("slots:", cpu.Slots(), "waiting:", cpu.Waiting())
	// Output:
	// 200 Hello, alice! (route c)
	// 200 Hello, bob! (route c)
	// slots: 2 waiting: 0
}

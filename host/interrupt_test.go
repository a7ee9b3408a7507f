package host_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/internal/gcloop"
)

// Both interruption schemes stop a spinning guest at its deadline, and
// neither lets it hold up the garbage collector meanwhile.
func TestInterruptSchemesStopSpinAndKeepGCRunning(t *testing.T) {
	for _, scheme := range []host.Interrupt{host.InterruptFuel, host.InterruptCloseOnDone} {
		t.Run(string(scheme), func(t *testing.T) {
			e, err := host.NewEngine(host.WithInterrupt(scheme), host.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close(context.Background())
			dir := appDir(t, map[string]string{"spin/p.all": "spin.wasm"}, "[limits]\nrequest_timeout = \"400ms\"\n")
			app, err := host.OpenApp(context.Background(), e, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer app.Close(context.Background())
			srv := httptest.NewServer(app)
			defer srv.Close()

			gc := gcloop.Start(0)
			start := time.Now()
			r := do(t, "GET", srv.URL+"/spin/spin", "")
			took := time.Since(start)
			gc.Stop()
			if r.status != http.StatusGatewayTimeout {
				t.Errorf("spin: got %d %q, want 504", r.status, r.body)
			}
			if took > 4*time.Second { // 10x: the machine may be loaded
				t.Errorf("spin stopped after %v, deadline 400ms", took)
			}
			// A wedged host would manage one or two collections at most.
			if n := gc.Cycles(); n < 5 {
				t.Errorf("only %d garbage collections ran during a %v spin", n, took)
			}
			expect(t, do(t, "GET", srv.URL+"/spin/after", ""), 200, "alive")
		})
	}
	if _, err := host.NewEngine(host.WithInterrupt("signals")); err == nil {
		t.Error("unknown interrupt scheme accepted")
	}
}

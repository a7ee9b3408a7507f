// serve --apps --admin-addr: the admin listener of the multi-app host (the
// deploy API, health, readiness and Prometheus metrics of package
// host/deploy, and the operator console of package host/console), and the registry the host reads: its bundle directory, or
// PostgreSQL for a fleet.

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/appdb/postgres"
	"sandkit.dev/sandkit/host/console"
	"sandkit.dev/sandkit/host/deploy"
	"sandkit.dev/sandkit/host/registry"
	"sandkit.dev/sandkit/host/registry/pgregistry"
	"sandkit.dev/sandkit/host/settings"
	"sandkit.dev/sandkit/host/tenant"
)

// adminTokenEnv holds the operator token of the admin listener.
const adminTokenEnv = "SANDKIT_ADMIN_TOKEN"

// adminFlags are serve --apps' flags for the admin listener and registry.
type adminFlags struct {
	addr, registry *string
}

func addAdminFlags(fs *flag.FlagSet) *adminFlags {
	return &adminFlags{
		addr:     fs.String("admin-addr", "", "with --apps: serve the deploy API, /metrics, /healthz and /readyz on this address (host:port), with the operator token from $"+adminTokenEnv),
		registry: fs.String("registry", "dir", "with --apps: where the apps are registered: \"dir\" (the --apps folder itself) or \"postgres\" (the database of $"+settings.DatabaseURLEnv+", shared by a fleet of hosts; --apps is then this host's folder of checked-out versions)"),
	}
}

// openRegistry opens the registry a.registry names, at dir.
func (a *adminFlags) openRegistry(ctx context.Context, dir string, cfg tenant.Config, log *slog.Logger) (registry.Registry, func(), error) {
	switch *a.registry {
	case "dir":
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return nil, nil, fmt.Errorf("--apps %s: not a folder\nhint: give the bundle directory: a folder holding one artifact folder per app (sandkit build APP -o %s/APP)", dir, dir)
		}
		reg, err := registry.OpenDir(dir, registry.WithLogger(log), registry.WithEnv(cfg.EnvOf))
		return reg, func() {}, err
	case "postgres":
		url := os.Getenv(settings.DatabaseURLEnv)
		if url == "" {
			return nil, nil, usageError{msg: "--registry postgres: $" + settings.DatabaseURLEnv + " is not set\nhint: set it to the admin URL of the PostgreSQL database the hosts share (spec/hosting.md, \"The fleet registry\")"}
		}
		reg, err := pgregistry.Open(ctx, url, dir, pgregistry.WithLogger(log), pgregistry.WithEnv(cfg.EnvOf))
		if err != nil {
			return nil, nil, err
		}
		return reg, reg.Close, nil
	}
	return nil, nil, usageError{msg: fmt.Sprintf("--registry %q: want dir or postgres", *a.registry)}
}

// startAdmin serves the admin listener until ctx is done; it returns once
// the address is taken. Without --admin-addr it does nothing.
func (a *adminFlags) start(ctx context.Context, th *tenant.Host, reg registry.Registry, cfg tenant.Config, metrics *tenant.Metrics, hist *console.History, h slog.Handler, stdout io.Writer) error {
	if *a.addr == "" {
		return nil
	}
	token := os.Getenv(adminTokenEnv)
	if token == "" {
		return usageError{msg: "--admin-addr: $" + adminTokenEnv + " is not set\nhint: set it to a long random secret, the operator token of the deploy API (for instance: export " + adminTokenEnv + "=$(openssl rand -hex 32))"}
	}
	ln, err := listen(*a.addr)
	if err != nil {
		return fmt.Errorf("--admin-addr: %w", err)
	}
	promReg := prometheus.NewRegistry()
	if err := promReg.Register(metrics); err != nil {
		ln.Close()
		return err
	}
	log := slog.New(h)
	deploys := console.NewDeploys(0)
	api := deploy.New(reg,
		deploy.WithOnDeploy(deploys.Record),
		deploy.WithOperatorToken(token),
		deploy.WithMaxBundleBytes(cfg.MaxBundleBytes),
		deploy.WithOnActivate(th.Refresh),
		deploy.WithMetrics(promReg),
		deploy.WithLogger(log),
		deploy.WithTenants(func(app string) host.Tenant {
			return host.Tenant{Name: app, DataDir: reg.DataDir(app), Lookup: cfg.EnvOf(app)}
		}),
		deploy.WithDropData(func(ctx context.Context, app string) error {
			// On PostgreSQL the app's data is its role and schema, which
			// the registry does not hold; SQLite data went with its folder.
			if url := os.Getenv(settings.DatabaseURLEnv); url != "" {
				return postgres.Drop(ctx, url, app)
			}
			return nil
		}),
	)
	// The operator console (spec/hosting.md, "The operator console").
	go hist.Run(ctx)
	con, err := console.New(console.Config{OperatorToken: token, Registry: reg, Stats: th.Stats,
		History: hist, Deploys: deploys, Activate: console.ActivateVia(api, token), Log: log})
	if err != nil {
		ln.Close()
		return err
	}
	handler := http.NewServeMux()
	handler.Handle("/", api)
	for _, p := range console.Paths {
		handler.Handle(p, con)
	}
	handler.Handle("GET /{$}", http.RedirectHandler("/console", http.StatusSeeOther))
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		// An upload may take a while; its size is bounded by the handler.
		IdleTimeout: 2 * time.Minute,
		ErrorLog:    slog.NewLogLogger(h, slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "sandkit: admin API on http://%s\n", ln.Addr())
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin listener", "err", err)
		}
	}()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		con.Close(sctx)
	}()
	return nil
}

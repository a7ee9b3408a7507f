// serve --apps: the multi-app host — every built app of a bundle directory
// served from one process (package host/tenant, spec/hosting.md). It serves
// artifacts only and never builds.

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"sandkit.dev/sandkit/artifact"
	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/console"
	"sandkit.dev/sandkit/host/tenant"
)

// appsFlags are serve's flags for the multi-app host.
type appsFlags struct {
	apps, baseDomain, hostConfig *string
	pathPrefix                   *bool
	admin                        *adminFlags
}

func addAppsFlags(fs *flag.FlagSet) *appsFlags {
	return &appsFlags{
		apps:       fs.String("apps", "", "serve every built app under this bundle directory (spec/hosting.md); nothing is built"),
		baseDomain: fs.String("base-domain", "", "with --apps: serve app NAME at NAME.DOMAIN (\"localhost\" works in browsers without DNS); overrides the host configuration's base_domain"),
		pathPrefix: fs.Bool("path-prefix", false, "with --apps: serve app NAME at /NAME/… as well, for local use; overrides the host configuration's path_prefix"),
		hostConfig: fs.String("host-config", "", "with --apps: the host configuration file (TOML: limits, idle timeout, memory budget, per-app domains and environment; spec/hosting.md)"),
		admin:      addAdminFlags(fs),
	}
}

// runServeApps serves the bundle directory af.apps.
func runServeApps(ctx context.Context, fs *flag.FlagSet, af *appsFlags, sf *serverFlags, pos []string, stdout, stderr io.Writer) error {
	var misuse []string
	if len(pos) > 0 {
		misuse = append(misuse, "an APPDIR ("+pos[0]+")")
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "dev" || f.Name == "no-watch" {
			misuse = append(misuse, "--"+f.Name)
		}
	})
	if len(misuse) > 0 {
		return usageError{msg: fmt.Sprintf("--apps serves the built apps of a bundle directory: %s cannot go with it\nhint: build each app with sandkit build APP -o %s", strings.Join(misuse, " and "), filepath.Join(*af.apps, "APP"))}
	}
	h, logw, err := sf.bufferedLogHandler(stderr)
	if err != nil {
		return err
	}
	defer logw.Close() // first deferred, so it runs last: after the apps and engine log their closing
	log := slog.New(h)
	cfg, err := appsConfig(fs, af)
	if err != nil {
		return err
	}
	dir := *af.apps
	reg, closeReg, err := af.admin.openRegistry(ctx, dir, cfg, log)
	if err != nil {
		return err
	}
	defer closeReg()
	apps, err := reg.Apps(ctx)
	if err != nil {
		return err
	}
	// A fleet's host may start before the first deploy (to any host of
	// the fleet); a bundle directory without an app or a deploy API would
	// never serve one.
	if len(apps) == 0 && *af.admin.addr == "" && *af.admin.registry == "dir" {
		return nothingServable(dir)
	}
	ln, err := listen(*sf.addr)
	if err != nil {
		return err
	}
	defer ln.Close()

	engine, err := sf.newEngine(log, cfg.EngineOptions()...)
	if err != nil {
		return err
	}
	defer engine.Close(context.Background())
	metrics := tenant.NewMetrics()
	var th *tenant.Host
	hist := console.NewHistory(func() []tenant.TenantStats { return th.Stats() })
	th, err = tenant.New(ctx, engine, reg, cfg, tenant.WithLogger(log), tenant.WithMetrics(metrics), tenant.WithRequestObserver(hist.Observe),
		tenant.WithScheduler(hostScheduler(log)))
	if err != nil {
		return err
	}
	defer th.Close(context.Background())
	actx, stopAdmin := context.WithCancel(ctx)
	defer stopAdmin()
	logw.Flush() // before start prints the admin address
	if err := af.admin.start(actx, th, reg, cfg, metrics, hist, h, stdout); err != nil {
		return err
	}
	srv := newServer(th, h)
	logw.Flush() // what was logged while starting is in the log before the address is printed
	fmt.Fprintf(stdout, "sandkit: serving %s on http://%s\n", dir, ln.Addr())
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	for _, a := range apps {
		var at []string
		if cfg.BaseDomain != "" {
			at = append(at, "http://"+a.Name+"."+cfg.BaseDomain+":"+port+"/")
		}
		for _, d := range cfg.Apps[a.Name].Domains {
			at = append(at, "http://"+d+":"+port+"/")
		}
		if cfg.PathPrefix {
			at = append(at, "http://"+ln.Addr().String()+"/"+a.Name+"/")
		}
		fmt.Fprintf(stdout, "  %s (%s): %s\n", a.Name, a.Active, strings.Join(at, " "))
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	return waitAndShutdown(ctx, srv, errc, log)
}

// appsConfig is the host configuration: the file --host-config names, with
// --base-domain and --path-prefix over it. Some way to reach a tenant is
// required.
func appsConfig(fs *flag.FlagSet, af *appsFlags) (tenant.Config, error) {
	var cfg tenant.Config
	if *af.hostConfig != "" {
		var err error
		if cfg, err = tenant.LoadConfig(*af.hostConfig); err != nil {
			return cfg, err
		}
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "base-domain":
			cfg.BaseDomain = strings.ToLower(*af.baseDomain)
		case "path-prefix":
			cfg.PathPrefix = *af.pathPrefix
		}
	})
	domains := 0
	for _, a := range cfg.Apps {
		domains += len(a.Domains)
	}
	if cfg.BaseDomain == "" && !cfg.PathPrefix && domains == 0 {
		return cfg, usageError{msg: "--apps: no request could reach an app\nhint: give --base-domain (app NAME at NAME.DOMAIN; --base-domain localhost for a browser on this machine), --path-prefix (app NAME at /NAME/), or domains in the host configuration"}
	}
	return cfg, nil
}

// nothingServable says why dir holds no app, naming an app's source
// folder put there instead of its artifact.
func nothingServable(dir string) error {
	var hint []string
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") || artifact.Is(p) {
			continue
		}
		if _, err := os.Stat(filepath.Join(p, "routes")); err == nil {
			hint = append(hint, fmt.Sprintf("%s is an app's source folder, and --apps serves built apps only: move it out of %s, then sandkit build %s -o %s", p, dir, e.Name(), p))
		}
	}
	if len(hint) == 0 {
		hint = append(hint, fmt.Sprintf("build an app into it: sandkit build APP -o %s", filepath.Join(dir, "APP")))
	}
	return errors.New("--apps " + dir + ": no app to serve\nhint: " + strings.Join(hint, "\nhint: "))
}

// singleAppOnly refuses the flags of --apps without it.
func singleAppOnly(fs *flag.FlagSet) error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "base-domain", "path-prefix", "host-config", "admin-addr", "registry":
			err = usageError{msg: fmt.Sprintf("--%s is for the host of many apps: give --apps DIR too", f.Name)}
		}
	})
	return err
}

// hostScheduler returns the multi-app host's CPU scheduler. Where the
// process may (host.CanLowerThreads), a tenant's long calls run at the
// lowest thread priority, and GOMAXPROCS is doubled first, so that the
// scheduler has a run slot per P: a lowered call still holds one of the
// Go runtime's Ps, and with as many Ps as CPUs two spinning calls would
// leave the host's own work and every other tenant one. With twice as
// many, the kernel, which runs the lowered threads last, decides.
// docs/benchmarks.md ("Noisy neighbours") has the measurements. Without
// the privilege GOMAXPROCS stays: more threads than CPUs would only share
// the CPUs evenly with the spinning ones.
func hostScheduler(log *slog.Logger) *host.Scheduler {
	if !host.CanLowerThreads() {
		log.Warn("long guest calls run at normal thread priority: this process may not raise a thread's priority back (give it CAP_SYS_NICE, or an RLIMIT_NICE of 20: systemd LimitNICE=20), so a tenant's long calls delay the other tenants' requests more")
		return host.NewScheduler(0)
	}
	raiseProcs()
	s := host.NewScheduler(0)
	s.LowerLongCalls()
	return s
}

// raiseProcs doubles GOMAXPROCS, once per process.
var raiseProcs = sync.OnceFunc(func() { runtime.GOMAXPROCS(2 * runtime.GOMAXPROCS(0)) })

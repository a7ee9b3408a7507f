// Package tenant serves many sandkit apps, written by people who do not
// trust each other, from one process: the multi-app host of
// spec/hosting.md.
//
// A [Host] is an http.Handler. It finds the tenant a request is for by its
// Host header (NAME.BASE_DOMAIN, or a custom domain the operator maps) or,
// in path-prefix mode, by the first segment of its path; it opens the
// tenant's active version from a [registry.Registry] on its first request
// and unloads it once it has idled, or when the loaded tenants' memory
// passes the host's budget, least recently used first:
//
//	cfg, err := tenant.LoadConfig("host.toml")      // or tenant.Config{BaseDomain: "apps.example.com"}
//	reg, err := registry.OpenDir("/srv/apps")
//	engine, err := host.NewEngine(host.WithCacheDir("/var/cache/sandkit"))
//	h, err := tenant.New(ctx, engine, reg, cfg)
//	defer h.Close(ctx)
//	http.ListenAndServe(":8080", h)
//
// A tenant's name, never what its own sandkit.toml claims, is its identity:
// its data folder, its database role, its logs. Its settings are read with
// the environment the operator gives it ([AppConfig].Env), never the host
// process's. Its limits are the operator's: an app may ask for less, never
// more; on top of them it may run at most Concurrency requests at once,
// with up to Queue more waiting QueueTimeout at most, and anything beyond
// is answered 503 with Retry-After.
//
// When the registry reports a new active version, the host opens and warms
// it beside the old one, swaps it in, and closes the old once its requests
// in flight are done, so a deploy fails no request. [Host.Stats] reports
// what a metrics exporter needs: requests, limit hits, loads, evictions and
// wake latency, per tenant.
package tenant

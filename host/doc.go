// Package host runs sandkit apps: it compiles their WebAssembly route
// handlers with wazero, keeps pools of warm instances, routes HTTP requests
// to them through the ABI of spec/abi.md, and swaps in new versions without
// a restart.
//
// An app is a folder with a routes/ tree (spec/routing.md) and an optional
// sandkit.toml (spec/config.md). Serving one takes three calls:
//
//	engine, err := host.NewEngine(host.WithCacheDir("/var/cache/sandkit"))
//	app, err := host.OpenApp(ctx, engine, "blog")
//	http.ListenAndServe("127.0.0.1:8080", app)
//
// OpenApp compiles every module and warms one instance of each before it
// returns, so the first request does not pay for either. [App.Watch] reloads
// the app when a file under routes/ changes; [App.Reload] does it once.
// A reload compiles and warms the new version before publishing it
// atomically; requests in flight finish on the old one.
//
// Guests are hostile by assumption. Every pointer and length they pass is
// checked; a trap, a deadline or an over-limit response fails only that
// request (500 or 504) and the instance is discarded, never reused. Memory
// is reserved per instance with mmap up to the app's page limit, so growth
// never copies and a memory bomb stops at the limit.
//
// Each app has its own SQLite database, data/app.db in its folder, opened on
// the first request that uses it (spec/abi.md §9). A request holds one
// connection from its first statement to its end; statements are bounded by
// limits.statement_timeout, the file by limits.db_max_bytes, and SQLite's
// authorizer refuses what would reach past the app's own data (ATTACH,
// settings PRAGMAs, load_extension). [OpenMigrator] applies an app's
// migrations/ before it is served. The database itself is package appdb,
// with an engine per kind (appdb/sqlite, appdb/postgres); sandkit.toml and
// the limits are package settings.
//
// A host that serves many apps shares the CPU between them with one
// [Scheduler]: each app is opened [WithScheduler] and its tenant's group,
// and a guest that runs past its first ration of fuel waits its group's
// turn for a run slot, so one tenant's spinning guests cannot starve the
// others (spec/hosting.md, "A fair CPU share").
package host

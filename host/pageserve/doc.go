// Package pageserve serves an app's page routes: the server-rendered HTML
// document, the route's loader and actions around it, the render cache, and
// the client assets. It reads what the compiler built for the app's pages
// (the server bundle, the client files and their manifest), renders with
// package pages, and knows nothing of guests: the host hands it each
// route's handler as an http.Handler, which it calls as the route's loader
// (GET, asking for JSON) and actions (forms).
//
// # Serving an app's pages
//
// Load reads one version of an app's built pages and loads its server
// bundle into a pages.Engine:
//
//	set, err := pageserve.Load(ctx, pageserve.Config{
//		Name: "blog", Dir: appDir, Engine: engineFunc, RenderTimeout: time.Second,
//		CacheEntries: 512, CacheBytes: 32 << 20,
//	}, nil)
//	defer set.Close(ctx)
//
// Page answers one route: its document for a browser, its loader's JSON for
// client navigation, its handler's answer for forms (spec/pages.md,
// "Serving a page route"). NotFound renders the app's 404 page, and Assets
// serves the client files under AssetPrefix, each in the precompressed
// coding (br, gzip) the request's Accept-Encoding takes best when the build
// wrote copies of it (spec/pages.md, "Precompressed client files"):
//
//	mux.Handle("/posts/{slug}", set.Page("posts/slug.param", paramsOf, postHandler))
//
// SetLayouts gives the Set the loaders of the app's layouts (a layout's
// data, such as the signed-in user, for every page, 404 and error page
// under it), and ClientRedirects wraps the app's router so that the client
// runtime's fetches can see a handler's redirect (spec/pages.md,
// "Layout data", "Redirects").
//
// A reload passes the Set it replaces to Load: when the server bundle did
// not change, the new Set keeps its renderer and render cache (Shares says
// so), and the old one must then not be closed.
//
// # Pristine renders
//
// Every render starts from the state the server bundle was in after it was
// evaluated: nothing a render stores in global state reaches the next one
// (pages.WithInstanceReuse). Config.ReuseInstances turns that off for an
// app that asks for it (sandkit.toml [pages] reuse_instances); its renders
// then depend on earlier ones, so none is cached.
package pageserve

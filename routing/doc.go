// Package routing turns an app's routes/ folder into a route table and a
// router. An app never writes a URL conf: the folders are the URLs
// (spec/routing.md is the normative reference).
//
// A folder is a route when it holds a handler (handler.go, or a prebuilt
// handler.wasm) or a page (page.tsx). Folder names map to URL segments:
//
//	routes/page.tsx                        /
//	routes/posts/page.tsx                  /posts
//	routes/posts/new/page.tsx              /posts/new        (beats slug.param)
//	routes/posts/slug.param/handler.go     /posts/{slug}
//	routes/docs/rest.all/page.tsx          /docs/{rest:.*}   (also /docs)
//	routes/marketing.group/about/page.tsx  /about            (groups add no segment)
//	routes/_components/Nav.tsx             never routed
//
// Every spelling is a folder name Go's tools accept as a package, so a
// route folder of any kind may hold Go source; the bracket spellings of
// other frameworks ([slug], [...rest], (marketing)) are refused with a hint
// naming the new one.
//
// Scan reads the tree, rooted at routes/, and reports every problem at once:
//
//	table, err := routing.Scan(os.DirFS("blog/routes"))
//	if err != nil {
//		return err // e.g. routes/posts/[slug]: folder name "[slug]": a parameter is spelled NAME.param, ... (hint: rename the folder slug.param)
//	}
//
// The table lists routes in precedence order (static > NAME.param >
// NAME.all, segment by segment from the left) with what each needs to
// be served: its handler files, its page, its layouts from the root down,
// and its nearest 404 and error pages.
//
// Router builds a gorilla/mux router over the table. The handler function is
// called once per route; a handler reads the decoded parameters with
// Route.Vars:
//
//	r := table.Router(func(rt *routing.Route) http.Handler {
//		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
//			for _, p := range rt.Vars(req) {
//				fmt.Fprintf(w, "%s=%s\n", p.Name, p.Value)
//			}
//		})
//	}, nil)
//	http.ListenAndServe(":8080", r)
//
// The router matches percent-encoded paths so that /posts/a%2Fb is one
// parameter ("a/b"), redirects /posts/ to /posts with 308, and lets a
// trailing catch-all match zero segments.
package routing

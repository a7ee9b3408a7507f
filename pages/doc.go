// Package pages renders an app's React pages on the server, in QuickJS
// compiled to WebAssembly and run by wazero inside the host process: no
// Node process, and no JavaScript engine outside the sandbox.
//
// # Rendering a page
//
// One Engine serves a whole host. It compiles the embedded QuickJS build
// (Fabrice Bellard's QuickJS, from quickjs-emscripten) once (in
// milliseconds from a compilation cache given by WithCacheDir):
//
//	engine, err := pages.NewEngine(ctx, pages.WithCacheDir(dir))
//	defer engine.Close(ctx)
//
// Each app's server bundle is loaded once. Load evaluates it in a fresh
// QuickJS instance, optionally renders a warm-up page, and keeps a snapshot
// of that instance's memory; the Renderer it returns pools warm instances
// restored from the snapshot (about 0.15 ms each on Linux). With
// WithCacheDir the snapshot is also written to the cache folder, and a
// later Load of the same bundle under the same name — by this process or
// the next — reads it instead of evaluating the bundle (the folder's
// snapshot files are bounded in size, least recently used out first:
// WithSnapshotCacheBytes):
//
//	r, err := engine.Load(ctx, "blog", serverBundleJS, pages.WithTimeout(time.Second))
//	defer r.Close(ctx)
//
// Every render starts from that snapshot: after a render the instance is
// reset to it in place (the memory pages the kernel shows as written are
// copied back from the snapshot, and the globals are set back), so nothing
// one render stores in global scope, on a prototype or in a module variable
// reaches the next, another user's. WithInstanceReuse(true) keeps instances
// as renders leave them, for apps that want the fraction of a millisecond
// back.
//
// Render passes the page's input and returns the markup of the app root:
//
//	in, _ := json.Marshal(pages.Input{Route: "posts/slug.param", URL: "/posts/hello",
//		Params: map[string]string{"slug": "hello"}, Data: loaderJSON})
//	html, err := r.Render(ctx, in)
//
// # The render protocol
//
// The server bundle is a classic script (esbuild's IIFE format, not an ES
// module). Evaluating it must define globalThis.__sandkit_render, a function
// that takes one string and returns a string, or throws. The string it takes
// is the JSON encoding of Input:
//
//	{"route": "<route id>", "url": "/path?query", "params": {...}, "data": <loader JSON or null>}
//
// and the string it returns is the rendered markup of the app root (what
// react-dom's renderToString returns), which the host places in the HTML
// document. With React 19 the entry point is as short as:
//
//	import { renderToString } from "react-dom/server.edge";
//	globalThis.__sandkit_render = (input) => renderToString(<App {...JSON.parse(input)} />);
//
// Besides the ECMAScript built-ins (no Intl), a bundle finds TextEncoder
// and a console whose methods do nothing. There are no timers, no fetch, no
// files: a render is one synchronous call. A NUL character in the markup is
// replaced by U+FFFD. spec/pages.md is the normative text.
//
// # Limits
//
// A render runs until its deadline (WithTimeout, or the context's, whichever
// comes first), checked by QuickJS's own interrupt handler, and within the
// engine's memory limit (WithMemoryLimitPages) or the app's, if lower
// (WithMemoryPages). A render that overruns
// (ErrDeadline), runs out of memory (ErrMemoryLimit) or traps (ErrTrap)
// costs its instance: it is discarded and the next render gets a new one
// from the snapshot. A JavaScript exception is returned as a *JSError and
// the instance stays in the pool.
//
// QuickJS calls its interrupt handler between bytecode instructions, not
// inside one long native operation (JSON.stringify of a huge array, a join,
// BigInt arithmetic, and in this build the backtraces of runaway recursion
// with catch): such an operation can overrun the deadline by up to its own
// length (4.4 s measured for a 300 ms deadline), and, as wasm code that
// never calls out, it holds back Go's garbage collector meanwhile. A host serving untrusted
// apps should add a fuel counter with WithModuleRewrite and WithRuntimeSetup,
// which bounds those too.
package pages

// SSR: issue 13's server-rendering rows, each against its baseline in the
// same run: the engine alone on the 100-item page (pages'
// BenchmarkRender100) against Node started per render and against the same
// QuickJS wasm in Node's V8; a 100-card page over HTTP through `sandkit
// serve` against Node started per render; and the fuel counter's cost on a
// render (the host with fuel against close-on-done).

package main

import (
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"sandkit.dev/sandkit/host"
)

// cardsPage is a page of 100 cards like pages' benchmark page (the same
// items, made in the page rather than passed as data, since examples/pages
// has no handlers).
const cardsPage = `export default function Cards() {
  const items = Array.from({ length: 100 }, (_, i) => ({
    id: i,
    title: "Item number " + i,
    body: ("Description of item " + i + ' <with> "markup" & more. ').repeat(1 + (i % 3)),
    cents: 199 + 37 * i,
    stock: i % 7,
    featured: i % 10 === 0,
    tags: ["tag" + (i % 5), "common"],
  }));
  return (
    <>
      <title>100 cards · sandkit pages</title>
      <h1>All items</h1>
      <ul className="cards">
        {items.map((it) => (
          <li key={it.id} className={it.featured ? "card featured" : "card"}>
            <h2>{it.title}</h2>
            <p>{it.body}</p>
            <p className="price">{"$" + (it.cents / 100).toFixed(2)}</p>
            <p>{it.stock > 0 ? it.stock + " in stock" : "sold out"}</p>
            <ul>
              {it.tags.map((t) => (
                <li key={t}>{t}</li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </>
  );
}
`

func ssrBench(ctx context.Context, r *report, root, work string, log *slog.Logger, n int) error {
	r.printf("## SSR: the engine, Node, and a 100-card page over HTTP (issue 13)\n\n")
	if err := ssrEngineRows(r, root, work, n); err != nil {
		return err
	}
	return ssrHTTPRows(ctx, r, root, work, log, n)
}

// ssrEngineRows runs pages' benchmarks of the 100-item page in rounds that
// interleave the engine, Node started per render and QuickJS in Node, per
// renders of each per round.
func ssrEngineRows(r *report, root, work string, per int) error {
	progress("building the pages test binary")
	bin := filepath.Join(work, "pages.test")
	cmd := exec.Command("go", "test", "-c", "-o", bin, "./pages/")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go test -c ./pages/: %v\n%s", err, out)
	}
	benches := []string{"BenchmarkRender100", "BenchmarkNodePerRender100", "BenchmarkQuickJSInNode100"}
	const rounds = 3
	p50 := map[string][]float64{}
	line := regexp.MustCompile(`^(Benchmark\w+?)(?:-\d+)?\s+\d+\s+.*?([0-9.]+) p50-ms`)
	for i := range rounds {
		progress("pages benchmarks round %d/%d", i+1, rounds)
		cmd := exec.Command(bin, "-test.run", "^$", "-test.bench", "^("+strings.Join(benches, "|")+")$",
			"-test.benchtime", strconv.Itoa(per)+"x")
		cmd.Dir = filepath.Join(root, "pages") // its testdata
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("pages benchmarks: %v\n%s", err, out)
		}
		for _, l := range strings.Split(string(out), "\n") {
			if m := line.FindStringSubmatch(l); m != nil {
				v, _ := strconv.ParseFloat(m[2], 64)
				p50[m[1]] = append(p50[m[1]], v)
			}
		}
	}
	for _, b := range benches {
		if len(p50[b]) != rounds {
			return fmt.Errorf("pages benchmarks: %s reported %d medians in %d rounds", b, len(p50[b]), rounds)
		}
	}
	eng, node, qjsNode := median(p50[benches[0]]), median(p50[benches[1]]), median(p50[benches[2]])
	r.printf("The 100-item page of pages' benchmarks (layout, nav, sidebar, 100 item cards; `pages/testdata/app`), from\n")
	r.printf("`go test -c ./pages/` run %d times, each running `-test.bench '^(%s)$' -test.benchtime %dx`\n", rounds, strings.Join(benches, "|"), per)
	r.printf("(so rounds interleave the three); the median of the rounds' medians. The engine is `pages.NewEngine` without\n")
	r.printf("the host's fuel counter, one warm instance reset to its snapshot after each render. Node per render is\n")
	r.printf("`node -e` loading the same server bundle and rendering the same input once; QuickJS in Node is the same\n")
	r.printf("QuickJS wasm, prelude, bundle and input run by Node's wasm engine (V8), warm.\n\n")
	r.printf("| | p50 | rounds | ratio |\n| --- | ---: | --- | ---: |\n")
	rs := func(xs []float64) string {
		var s []string
		for _, x := range xs {
			s = append(s, fmt.Sprintf("%.1f", x))
		}
		return strings.Join(s, ", ")
	}
	r.printf("| engine alone (`BenchmarkRender100`) | %.1f ms | %s | 1x |\n", eng, rs(p50[benches[0]]))
	r.printf("| Node started per render | %.1f ms | %s | engine %.2fx faster |\n", node, rs(p50[benches[1]]), node/eng)
	r.printf("| same QuickJS wasm in Node's V8, warm | %.1f ms | %s | engine %.2fx slower |\n\n", qjsNode, rs(p50[benches[2]]), eng/qjsNode)
	r.row(4, fmt.Sprintf("%.2fx faster (%.1f vs %.1f ms)", node/eng, eng, node), node/eng >= 4)
	r.row(5, fmt.Sprintf("%.2fx slower (%.1f vs %.1f ms)", eng/qjsNode, eng, qjsNode), eng/qjsNode <= 1.3)
	return nil
}

// renderMiss reads the render time of a cache miss from Server-Timing.
var renderMiss = regexp.MustCompile(`render;dur=([0-9.]+);desc=miss`)

// cardsGet fetches path over a new connection and returns the time to the
// end of the response and the render time of its Server-Timing header.
func cardsGet(addr, path string) (total, render time.Duration, size int, err error) {
	d, err := getDocument(addr, path)
	if err != nil {
		return 0, 0, 0, err
	}
	if d.status != 200 {
		return 0, 0, 0, fmt.Errorf("GET %s: %d\n%.300s", path, d.status, d.body)
	}
	st := d.header.Get("Server-Timing")
	m := renderMiss.FindStringSubmatch(st)
	if m == nil {
		return 0, 0, 0, fmt.Errorf("GET %s: Server-Timing %q, want a render cache miss", path, st)
	}
	ms, _ := strconv.ParseFloat(m[1], 64)
	return d.total, time.Duration(ms * float64(time.Millisecond)), len(d.body), nil
}

// ssrHTTPRows serves a 100-card page through `sandkit serve` against Node
// started per render, and through the host with and without the fuel
// counter.
func ssrHTTPRows(ctx context.Context, r *report, root, work string, log *slog.Logger, n int) error {
	progress("building examples/pages with a 100-card page")
	app, err := buildPagesApp(ctx, root, work, "pages-cards", map[string]string{"routes/cards/page.tsx": cardsPage})
	if err != nil {
		return err
	}
	progress("building cmd/sandkit for the 100-card page")
	bin, err := buildSandkit(root, work, "sandkit-ssr")
	if err != nil {
		return err
	}
	s, err := startServe(ctx, bin, work, app, "serve-cards", "--log-level", "warn")
	if err != nil {
		return err
	}
	defer s.stop()
	input := `{"route":"cards","url":"/cards","params":{},"data":null}`
	script := `const fs=require("fs");(0,eval)(fs.readFileSync(process.argv[1],"utf8"));` +
		`const h=globalThis.__sandkit_render(process.argv[2]);if(!h.includes("Item number 99"))throw new Error(h.slice(0,300));process.stdout.write(String(h.length))`
	bundle := filepath.Join(app, host.PagesServer)
	var serveTotal, serveRender, nodeRuns []time.Duration
	size := 0
	addr := strings.TrimPrefix(s.url, "http://")
	for i := 0; i < n; i++ {
		progress("100-card page through sandkit serve, and node per render, %d/%d", i+1, n)
		// A new query string is a new render input: a cache miss.
		t, rd, sz, err := cardsGet(addr, fmt.Sprintf("/cards?run=%d", i))
		if err != nil {
			return err
		}
		serveTotal, serveRender, size = append(serveTotal, t), append(serveRender, rd), sz
		start := time.Now()
		if out, err := exec.Command("node", "-e", script, bundle, input).CombinedOutput(); err != nil {
			return fmt.Errorf("node: %v\n%s", err, out)
		}
		nodeRuns = append(nodeRuns, time.Since(start))
	}

	// The fuel counter: the same app in two in-process hosts, one with
	// fuel (the default) and one with close-on-done (QuickJS's interrupt
	// handler only), requests alternating.
	type fuelTarget struct {
		name   string
		addr   string
		render []time.Duration
	}
	var fts []*fuelTarget
	for _, c := range []struct {
		name   string
		scheme host.Interrupt
	}{{"fuel (the default)", host.InterruptFuel}, {"close-on-done (no fuel)", host.InterruptCloseOnDone}} {
		url, stop, err := serveAppDir(ctx, app, host.WithInterrupt(c.scheme), host.WithLogger(log),
			host.WithCacheDir(filepath.Join(work, "cache-"+string(c.scheme))))
		if err != nil {
			return err
		}
		defer stop()
		fts = append(fts, &fuelTarget{name: c.name, addr: strings.TrimPrefix(url, "http://")})
	}
	var ratios []float64
	for i := 0; i < 2*n; i++ {
		progress("100-card page, fuel against close-on-done, %d/%d", i+1, 2*n)
		var took [2]time.Duration
		for k := range fts {
			j := (k + i) % 2 // each host goes first every other pair
			t := fts[j]
			_, rd, _, err := cardsGet(t.addr, fmt.Sprintf("/cards?fuel=%d", i))
			if err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			t.render, took[j] = append(t.render, rd), rd
		}
		if i >= 2 { // the first renders warm each host's instance
			ratios = append(ratios, float64(took[0])/float64(took[1]))
		}
	}

	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	node, tot, rend := median(nodeRuns), median(serveTotal), median(serveRender)
	r.printf("A page of 100 cards (`routes/cards/page.tsx` added to a copy of examples/pages: the same items as the\n")
	r.printf("100-item page, made in the page; %.1f kB document) through `sandkit serve --log-level warn` (this tree's,\n", float64(size)/1e3)
	r.printf("a process of its own, fuel counter on as by default) on 127.0.0.1: a new connection per request, a new\n")
	r.printf("query string each time (a render cache miss), timed by the client to the end of the document; \"render\" is\n")
	r.printf("the server's `Server-Timing` render duration. Node: `node -e` loading the same server bundle and rendering\n")
	r.printf("the same input once, alternating with the requests. Median of %d.\n\n", n)
	r.printf("| | whole document | render (Server-Timing) | vs Node per render |\n| --- | ---: | ---: | ---: |\n")
	r.printf("| sandkit serve, cache miss | %s | %s | %.2fx faster |\n", ms(tot), ms(rend), float64(node)/float64(tot))
	r.printf("| Node started per render | %s | | 1x |\n\n", ms(node))
	r.row(6, fmt.Sprintf("%.2fx faster (%s vs %s; render %s)", float64(node)/float64(tot), ms(tot), ms(node), ms(rend)), float64(node)/float64(tot) >= 4)

	fuel, cod := median(fts[0].render), median(fts[1].render)
	r.printf("The fuel counter on a render: the same app in two hosts in the bench's process, one with the fuel counter in\n")
	r.printf("QuickJS's module (`host.InterruptFuel`, the default) and one without (`host.InterruptCloseOnDone`: QuickJS's\n")
	r.printf("interrupt handler and wazero's close-on-done only), each request a cache miss, one request to each host per pair, each first in every other pair;\n")
	r.printf("`Server-Timing` render durations, %d requests each (the first two of each left out of the ratio).\n\n", 2*n)
	r.printf("| host | render p50 |\n| --- | ---: |\n")
	r.printf("| %s | %s |\n| %s | %s |\n\n", fts[0].name, ms(fuel), fts[1].name, ms(cod))
	rr := median(ratios)
	r.printf("Fuel / no fuel: %.2fx (ratio of medians), %.2fx (median of the per-pair ratios).\n\n", float64(fuel)/float64(cod), rr)
	r.row(7, fmt.Sprintf("%.2fx per pair, %.2fx of medians (%s vs %s render)", rr, float64(fuel)/float64(cod), ms(fuel), ms(cod)), rr <= 1.05)
	return nil
}

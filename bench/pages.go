// Pages: a server-rendered page of examples/pages served by the host over
// loopback (first byte, whole document, render cache miss and hit), against
// Node started once per render of the same server bundle and input.

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"sandkit.dev/sandkit/compiler"
	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/internal/npmfixture"
)

// buildPagesExample copies examples/pages into work (sharing its
// node_modules, installed first if missing) and builds it.
func buildPagesExample(ctx context.Context, root, work string) (string, error) {
	return buildPagesApp(ctx, root, work, "pages", nil)
}

// buildPagesApp copies examples/pages into work/name, adds files (paths
// relative to the app) and builds it.
func buildPagesApp(ctx context.Context, root, work, name string, files map[string]string) (string, error) {
	src := filepath.Join(root, "examples", "pages")
	if err := npmfixture.Install(src); err != nil {
		return "", err
	}
	app := filepath.Join(work, name)
	if err := os.CopyFS(app, os.DirFS(filepath.Join(src, "routes"))); err != nil {
		return "", err
	}
	// CopyFS copied routes/ itself into app; move it under routes/.
	tmp := app + ".routes"
	if err := os.Rename(app, tmp); err != nil {
		return "", err
	}
	os.MkdirAll(app, 0o755)
	if err := os.Rename(tmp, filepath.Join(app, "routes")); err != nil {
		return "", err
	}
	for _, f := range []string{"package.json", "package-lock.json"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			return "", err
		}
		os.WriteFile(filepath.Join(app, f), b, 0o644)
	}
	if err := os.Symlink(filepath.Join(src, "node_modules"), filepath.Join(app, "node_modules")); err != nil {
		return "", err
	}
	for rel, text := range files {
		p := filepath.Join(app, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return "", err
		}
	}
	if _, err := compiler.BuildPages(ctx, app, compiler.PagesOptions{}); err != nil {
		return "", err
	}
	return app, nil
}

// timedGet fetches url over a new connection and returns the time to the
// first byte of the response (a 103 counts) and to its end.
func timedGet(addr, path string) (first, total time.Duration, status int, err error) {
	d, err := getDocument(addr, path)
	return d.first, d.total, d.status, err
}

// document is a page fetched by getDocument.
type document struct {
	first, total time.Duration // to the first byte (a 103 counts) and to the end
	status       int
	header       http.Header
	body         []byte
}

// getDocument fetches path from addr as a browser asks for a page, over a
// new connection, and reads past 1xx answers (103 Early Hints) to the
// final one.
func getDocument(addr, path string) (document, error) {
	var d document
	start := time.Now()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return d, err
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nAccept: text/html\r\nConnection: close\r\n\r\n", path, addr)
	br := bufio.NewReader(conn)
	if _, err := br.Peek(1); err != nil {
		return d, err
	}
	d.first = time.Since(start)
	for {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return d, err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return d, err
		}
		if resp.StatusCode >= 200 {
			d.total, d.status, d.header, d.body = time.Since(start), resp.StatusCode, resp.Header, b
			return d, nil
		}
	}
}

func pagesBench(ctx context.Context, r *report, root, work string, log *slog.Logger, n int) error {
	progress("building examples/pages")
	app, err := buildPagesExample(ctx, root, work)
	if err != nil {
		return err
	}
	url, stop, err := serveAppDir(ctx, app, host.WithLogger(log), host.WithCacheDir(filepath.Join(work, "cache")))
	if err != nil {
		return err
	}
	defer stop()
	addr := strings.TrimPrefix(url, "http://")

	const page = "/posts/1"
	var missFirst, missTotal, hitFirst, hitTotal []time.Duration
	size := 0
	for i := 0; i < n; i++ {
		progress("page %s, render cache miss and hit %d/%d", page, i+1, n)
		// A new query string is a new render input: a cache miss.
		path := fmt.Sprintf("%s?run=%d", page, i)
		f, t, st, err := timedGet(addr, path)
		if err != nil || st != 200 {
			return fmt.Errorf("GET %s: %d %v", path, st, err)
		}
		missFirst, missTotal = append(missFirst, f), append(missTotal, t)
		f, t, _, err = timedGet(addr, path)
		if err != nil {
			return err
		}
		hitFirst, hitTotal = append(hitFirst, f), append(hitTotal, t)
	}
	if resp, err := http.Get(url + page); err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		size = len(b)
	}

	// Node started per render: load the same server bundle, render the
	// same input once, exit.
	input := `{"route":"posts/id.param","url":"/posts/1","params":{"id":"1"},"data":null}`
	script := fmt.Sprintf(`const fs=require("fs");(0,eval)(fs.readFileSync(%q,"utf8"));process.stdout.write(String(globalThis.__sandkit_render(%q).length))`,
		filepath.Join(app, host.PagesServer), input)
	var nodeRuns []time.Duration
	for i := 0; i < n; i++ {
		progress("node per render %d/%d", i+1, n)
		start := time.Now()
		if out, err := exec.Command("node", "-e", script).CombinedOutput(); err != nil {
			return fmt.Errorf("node: %v\n%s", err, out)
		}
		nodeRuns = append(nodeRuns, time.Since(start))
	}

	ms := func(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
	r.printf("## A server-rendered page over HTTP (issue 5)\n\n")
	r.printf("`GET %s` of examples/pages (layout, nested posts layout, param page; %.1f kB document), served by the host\n", page, float64(size)/1e3)
	r.printf("on 127.0.0.1 with the fuel counter in QuickJS; a new connection per request, timed by the client. The first\n")
	r.printf("byte is the `103 Early Hints` the host sends before it renders. A miss renders (a new query string is a new\n")
	r.printf("input); a hit is the same URL again. Node: `node -e` loading the same server bundle and rendering the same\n")
	r.printf("input once, per process. Median of %d.\n\n", n)
	r.printf("| | first byte | whole document | vs Node per render |\n| --- | ---: | ---: | ---: |\n")
	node := median(nodeRuns)
	r.printf("| sandkit, render cache miss | %s | %s | %.1fx faster |\n", ms(median(missFirst)), ms(median(missTotal)), float64(node)/float64(median(missTotal)))
	r.printf("| sandkit, render cache hit | %s | %s | %.0fx faster |\n", ms(median(hitFirst)), ms(median(hitTotal)), float64(node)/float64(median(hitTotal)))
	r.printf("| Node 20 started per render | | %s | 1x |\n\n", ms(node))
	return nil
}

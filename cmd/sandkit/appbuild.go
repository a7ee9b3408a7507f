// App build: everything serve runs, made from an app's sources: the Go
// handlers' module and the pages' bundles (npm packages installed first).

package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"sandkit.dev/sandkit/compiler"
	"sandkit.dev/sandkit/routing"
)

// buildApp builds the app's Go handlers and its pages. dev builds pages
// for development (readable code, source maps).
func buildApp(ctx context.Context, dir string, dev bool, log *slog.Logger) error {
	if _, err := buildHandlers(ctx, dir, log); err != nil {
		return err
	}
	return buildPages(ctx, dir, dev, log)
}

// firstBuildHint says why a first build of Go handlers is slow.
const firstBuildHint = "the first build compiles the Go runtime and the app's packages to WebAssembly; later builds reuse them"

// buildHandlers compiles the app's Go route handlers, if it has any, and
// generates the TypeScript types of their data for page.tsx files.
func buildHandlers(ctx context.Context, dir string, log *slog.Logger) (*compiler.Result, error) {
	done := progress(log, "building Go handlers", firstBuildHint)
	res, err := compiler.BuildHandlers(ctx, dir)
	done()
	if err != nil {
		return nil, err
	}
	if len(res.Routes) > 0 {
		log.Info("Go handlers built", "routes", len(res.Routes), "cached", res.Cached, "took", res.Duration.Round(time.Millisecond))
	}
	if _, err := compiler.GenerateTypes(dir); err != nil {
		return nil, err
	}
	return res, nil
}

// buildPages bundles the app's pages, if it has any, installing its npm
// packages first when they are missing.
func buildPages(ctx context.Context, dir string, dev bool, log *slog.Logger) error {
	return buildPagesWith(ctx, dir, compiler.PagesOptions{Dev: dev}, log)
}

// buildPagesWith is buildPages with every option of the page build.
func buildPagesWith(ctx context.Context, dir string, opts compiler.PagesOptions, log *slog.Logger) error {
	if !hasPages(dir) {
		return nil
	}
	if err := npmInstall(ctx, dir, log); err != nil {
		return err
	}
	done := progress(log, "bundling pages", "")
	res, err := compiler.BuildPages(ctx, dir, opts)
	done()
	if err != nil {
		return err
	}
	log.Info("pages built", "routes", len(res.Routes), "client_kb", res.ClientBytes/1024, "server_kb", res.ServerBytes/1024,
		"cached", res.Cached, "took", res.Duration.Round(time.Millisecond))
	return nil
}

// hasPages reports whether any route of the app has a page. A route tree
// that does not scan has none here: the host reports the error.
func hasPages(dir string) bool {
	table, err := routing.Scan(os.DirFS(filepath.Join(dir, "routes")))
	if err != nil {
		return false
	}
	for _, rt := range table.Routes() {
		if rt.Page() != "" {
			return true
		}
	}
	return false
}

// typeCheck type-checks the app's pages once, when it has a tsconfig.json
// (spec/config.md, "Type checks").
func typeCheck(ctx context.Context, dir, tools string, log *slog.Logger) error {
	if !compiler.HasTypeCheck(dir) || !hasPages(dir) {
		return nil
	}
	if missing := compiler.MissingTypes(dir); missing != "" {
		log.Warn("pages are not type-checked: " + missing)
		return nil
	}
	done := progress(log, "type-checking pages (tsc "+compiler.TypeScriptVersion+")", "")
	start := time.Now()
	err := compiler.TypeCheck(ctx, dir, tools)
	done()
	if err == nil {
		log.Info("pages type-checked", "took", time.Since(start).Round(time.Millisecond))
	}
	return err
}

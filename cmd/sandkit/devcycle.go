// Dev cycle: what "sandkit dev" does after a change: sort the changed
// paths, build only what they need, type-check, apply migrations, then
// publish the new version, or keep the last good one and report why.

package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"sandkit.dev/sandkit/compiler"
	"sandkit.dev/sandkit/host"
)

// skipDir says which folders are not watched: packages, build output, the
// database, dot folders.
func (d *devServer) skipDir(p string) bool {
	name := filepath.Base(p)
	return name == "node_modules" || name == "testdata" || strings.HasPrefix(name, ".") ||
		p == filepath.Join(d.dir, "data") // the database; routes/data is a route
}

// relevant records a changed path that calls for a cycle.
func (d *devServer) relevant(p string) bool {
	base := filepath.Base(p)
	if strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") || strings.HasSuffix(base, ".swp") {
		return false
	}
	rel, err := filepath.Rel(d.dir, p)
	if err != nil || strings.HasPrefix(rel, "..") {
		return false
	}
	rel = filepath.ToSlash(rel)
	if !strings.Contains(rel, "/") {
		switch {
		case rel == "go.mod", rel == "go.sum", rel == "package.json", rel == "package-lock.json", rel == "tsconfig.json",
			strings.HasSuffix(rel, ".toml"), strings.HasSuffix(rel, ".go"),
			rel == "routes", rel == "migrations", rel == "public":
		default:
			return false
		}
	}
	if d.pending == nil {
		d.pending = map[string]bool{}
	}
	d.pending[rel] = true
	return true
}

// changes says what a cycle rebuilds.
type changes struct {
	goSrc, pages, migrations, public, settings bool
}

var allChanges = changes{goSrc: true, pages: true, migrations: true, public: true, settings: true}

func (c changes) or(o changes) changes {
	return changes{c.goSrc || o.goSrc, c.pages || o.pages, c.migrations || o.migrations, c.public || o.public, c.settings || o.settings}
}

// classify sorts changed paths (relative, with slashes) into kinds.
func classify(paths map[string]bool) changes {
	var c changes
	for rel := range paths {
		switch {
		case !strings.Contains(rel, "/") && strings.HasSuffix(rel, ".toml"):
			c.settings = true
		case rel == "migrations" || strings.HasPrefix(rel, "migrations/"):
			c.migrations = true
		case rel == "public" || strings.HasPrefix(rel, "public/"):
			c.public = true
		case strings.HasSuffix(rel, ".go"), rel == "go.mod", rel == "go.sum":
			c.goSrc = true
		case rel == "routes" || strings.HasPrefix(rel, "routes/") && filepath.Ext(rel) == "":
			// A folder came or went: routes of both kinds may have.
			c.goSrc, c.pages = true, true
		default:
			c.pages = true
		}
	}
	return c
}

// onChange runs one cycle for the changes recorded since the last one.
func (d *devServer) onChange(ctx context.Context) {
	c := classify(d.pending)
	if len(d.pending) == 0 {
		// A folder came: the watcher adds it without naming the files
		// already written into it.
		c.goSrc, c.pages = true, true
	}
	d.pending = nil
	d.log.Info("change seen; rebuilding", "what", c.String())
	d.cycle(ctx, c, false)
}

func (c changes) String() string {
	var s []string
	for _, k := range []struct {
		on   bool
		name string
	}{{c.goSrc, "go"}, {c.pages, "pages"}, {c.migrations, "migrations"}, {c.public, "public"}, {c.settings, "settings"}} {
		if k.on {
			s = append(s, k.name)
		}
	}
	return strings.Join(s, ",")
}

// cycle builds what c says changed (and what failed last time), then
// publishes the new version and reloads the open pages; on any error
// nothing new is published, and the errors go to the terminal and the
// overlay.
func (d *devServer) cycle(ctx context.Context, c changes, first bool) {
	start := time.Now()
	c = c.or(d.retry)
	var (
		mu       sync.Mutex
		problems []devProblem
	)
	fail := func(kind string, err error) {
		if err == nil || ctx.Err() != nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, devProblem{Kind: kind, Message: err.Error()})
		if d.plain != nil {
			// Readable as the compiler wrote it: one problem a line.
			d.log.Error(kind + " failed; the last good version keeps serving")
			fmt.Fprintf(d.plain, "%s\n", err)
		} else {
			d.log.Error(kind+" failed; the last good version keeps serving", "err", err)
		}
	}
	hint := ""
	if first {
		hint = firstBuildHint
	}
	if c.goSrc {
		done := progress(d.log, "building Go handlers", hint)
		res, err := compiler.BuildHandlers(ctx, d.dir)
		done()
		fail("build", err)
		if err == nil && len(res.Routes) > 0 {
			d.log.Info("Go handlers built", "routes", len(res.Routes), "cached", res.Cached, "took", res.Duration.Round(time.Millisecond))
		}
	}
	pagesNeeded := c.pages
	if (c.goSrc || c.pages) && len(problems) == 0 {
		// A Go edit that leaves every route's type Data as it was needs no
		// page build and no type check.
		before := treeHash(filepath.Join(d.dir, filepath.FromSlash(compiler.TypesDir)))
		if _, err := compiler.GenerateTypes(d.dir); err != nil {
			fail("build", err)
		}
		if treeHash(filepath.Join(d.dir, filepath.FromSlash(compiler.TypesDir))) != before || first {
			pagesNeeded = true
		}
	}
	if pagesNeeded && len(problems) == 0 {
		// The bundles and the type check, side by side; the first time one
		// after the other, since the bundling writes the client runtime's
		// types the check reads.
		var wg sync.WaitGroup
		wg.Add(1)
		bundle := func() {
			defer wg.Done()
			fail("build", buildPagesWith(ctx, d.dir, compiler.PagesOptions{Dev: true, Session: d.session}, d.log))
		}
		if first {
			bundle()
		} else {
			go bundle()
		}
		if missing := compiler.MissingTypes(d.dir); d.typecheck && compiler.HasTypeCheck(d.dir) && missing != "" {
			if !d.warnedTypes {
				d.log.Warn("pages are not type-checked: " + missing)
				d.warnedTypes = true
			}
		} else if d.typecheck && compiler.HasTypeCheck(d.dir) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				fail("types", d.checkTypes(ctx))
			}()
		}
		wg.Wait()
	}
	if c.migrations && len(problems) == 0 {
		fail("migrations", applyMigrations(ctx, d.dir, d.log, hintDevMigration))
	}
	if len(problems) > 0 {
		d.retry = c
		d.hub.failed(problems)
		return
	}
	d.mu.RLock()
	app := d.app
	d.mu.RUnlock()
	if app == nil || c.settings {
		done := progress(d.log, "loading the app (compiling its modules)", "")
		key, err := devSecretKey(d.dir)
		var next *host.App
		if err == nil {
			next, err = host.OpenApp(ctx, d.engine, d.dir, host.WithDevSecretKey(key))
		}
		done()
		if err != nil {
			fail("load", err)
			d.retry = c
			d.hub.failed(problems)
			return
		}
		d.appName.Store(next.Name())
		d.mu.Lock()
		d.app = next
		d.mu.Unlock()
		if app != nil {
			app.Close(context.WithoutCancel(ctx)) // no request uses it any more
		}
	} else {
		done := progress(d.log, "publishing the new version (compiling changed modules)", "")
		err := app.Reload(ctx)
		done()
		if err != nil {
			fail("reload", err)
			d.retry = c
			d.hub.failed(problems)
			return
		}
	}
	d.retry = changes{}
	d.hub.published()
	d.log.Info("live; open pages reload", "took", time.Since(start).Round(time.Millisecond))
}

// checkTypes runs the type checker, starting it first if needed.
func (d *devServer) checkTypes(ctx context.Context) error {
	if d.checker == nil {
		done := progress(d.log, "starting the type checker", "TypeScript "+compiler.TypeScriptVersion+" is installed once into "+d.toolsDir)
		c, err := compiler.NewTypeChecker(ctx, d.dir, d.toolsDir)
		done()
		if err != nil {
			return fmt.Errorf("%w\nhint: run with --no-typecheck to skip type checks", err)
		}
		d.checker = c
	}
	done := progress(d.log, "type-checking pages", "")
	err := d.checker.Check(ctx)
	done()
	var te *compiler.TypeError
	if err != nil && !errors.As(err, &te) {
		d.checker.Close() // started again next time
		d.checker = nil
	}
	return err
}

// treeHash is a hash of the names and contents of the files under dir
// ("" when it cannot be read).
func treeHash(dir string) string {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

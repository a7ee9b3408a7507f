// Table: an app's routes in precedence order, and the checks that span routes.

package routing

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
)

// Table is an app's route table, as Scan read it. It never changes.
type Table struct {
	routes     []*Route // precedence order
	byID       map[string]*Route
	middleware []string // folders whose only Go source is middleware.go, sorted
}

// newTable sorts routes by precedence and reports routes that match the
// same URLs.
func newTable(routes []*Route) (*Table, []error) {
	slices.SortFunc(routes, compareRoutes)
	t := &Table{routes: routes, byID: make(map[string]*Route, len(routes))}
	byShape := map[string][]string{}
	var shapes []string
	for _, rt := range routes {
		t.byID[rt.id] = rt
		sh := rt.shape()
		if byShape[sh] == nil {
			shapes = append(shapes, sh)
		}
		byShape[sh] = append(byShape[sh], appPath(rt.id))
	}
	var errs []error
	for _, sh := range shapes {
		if ids := byShape[sh]; len(ids) > 1 {
			errs = append(errs, &Error{
				Path:    ids[0],
				Problem: fmt.Sprintf("%d folders map to the URL pattern %s: %s", len(ids), sh, strings.Join(ids, ", ")),
				Hint:    "keep one; NAME.group folders add no URL segment and parameter names do not tell routes apart",
			})
		}
	}
	return t, errs
}

// compareRoutes orders routes by precedence: compare the URL segments from
// the left; at the first that differs a static segment beats a parameter,
// which beats a catch-all. A route that ends comes before a longer one (so
// /docs beats /docs/{rest:.*} for /docs). Static segments that differ, and
// ties, are ordered by text so the order is deterministic.
func compareRoutes(a, b *Route) int {
	as, bs := a.pathSegs(), b.pathSegs()
	for i := 0; i < len(as) && i < len(bs); i++ {
		if c := cmp.Compare(as[i].kind, bs[i].kind); c != 0 {
			return c
		}
		if as[i].kind == segStatic {
			if c := strings.Compare(as[i].name, bs[i].name); c != 0 {
				return c
			}
		}
	}
	if c := cmp.Compare(len(as), len(bs)); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

// Routes returns the routes in precedence order: the order a router tries
// them in.
func (t *Table) Routes() []*Route { return slices.Clone(t.routes) }

// MiddlewareFolders are the folders, as route ids ("admin", "" for routes/),
// whose only Go source is middleware.go: they are no route (they serve no
// URL) but their Go is part of the app module, where it wraps the Go
// handlers below them (spec/routing.md §8). A route folder's
// own middleware is in its Go files and is not listed here.
func (t *Table) MiddlewareFolders() []string { return slices.Clone(t.middleware) }

// Route returns the route with the given id (spec/abi.md §4).
func (t *Table) Route(id string) (*Route, bool) {
	rt, ok := t.byID[id]
	return rt, ok
}

// String renders the table one route a line, in precedence order: id (.
// for the root), pattern, parameters, files, layouts, 404 and error pages.
// It is meant for people (a CLI listing, a golden file), not for parsing.
func (t *Table) String() string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ROUTE\tPATTERN\tPARAMS\tFILES\tLAYOUTS\t404\tERROR")
	for _, rt := range t.routes {
		id := rt.id
		if id == "" {
			id = "."
		}
		var files []string
		if rt.page != "" {
			files = append(files, "page")
		}
		if rt.wasm {
			files = append(files, "wasm")
		}
		if len(rt.goFiles) > 0 {
			files = append(files, "go")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", id, rt.pattern,
			list(rt.params), strings.Join(files, "+"), list(rt.layouts), dash(rt.notFound), dash(rt.errorPage))
	}
	tw.Flush()
	return b.String()
}

func list(s []string) string {
	if len(s) == 0 {
		return "-"
	}
	return strings.Join(s, ",")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

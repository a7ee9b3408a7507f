// generate: write the files of a new page, handler, route, model or
// migration into an app, never over an existing file unless told.

package main

import (
	"bytes"
	"context"
	"embed"
	"flag"
	"fmt"
	"go/format"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing/fstest"
	"text/template"

	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/routing"
)

var generateCmd = &command{
	name:    "generate",
	summary: "write a new page, handler, route, model or migration",
	usage:   generateUsage,
	run:     runGenerate,
}

var generateUsage = fmt.Sprintf(`Usage: sandkit generate KIND NAME [FIELD:TYPE ...] [flags]

Writes the files of something new into the app in --app (default: the
current folder), and prints each file it wrote. It never overwrites a file
unless --force is given. (spec/generate.md)

Kinds:
  page PATH        routes/PATH/page.tsx, a React page
  handler PATH     routes/PATH/handler.go, a Go handler answering JSON
  route PATH       both: the page, and the handler whose GET is its data
  model NAME FIELD:TYPE ...
                   a migration creating the table (SQLite, and a .postgres.
                   variant), the bun struct in models/NAME.go (and
                   models/db.go, the app's database through bun, if missing),
                   and routes/api/TABLE/handler.go, a handler that lists rows
                   (GET, ?limit= and ?after=) and creates one (POST of a JSON
                   object); adds bun to go.mod with "go get" if missing
  migration NAME   empty migrations/NNNN_NAME.up.sql and .down.sql, as
                   "sandkit migrate create" does

PATH is a URL path: posts, posts/:id, docs/*path, (marketing)/about.
A parameter is written :name, {name} or as its folder; a catch-all *name,
{name...} or as its folder; a (group), or its folder, adds no URL segment.
The folders are named as spec/routing.md says (routes/posts/%s for
posts/:id).

Field types (a model always has id, its primary key, and created_at):
  string   short text     TEXT                             Go string     TS string
  text     long text      TEXT                             Go string     TS string
  int      integer        INTEGER / BIGINT                 Go int64      TS number
  float    real number    REAL / DOUBLE PRECISION          Go float64    TS number
  bool     true or false  BOOLEAN                          Go bool       TS boolean
  time     instant (UTC)  TIMESTAMP / TIMESTAMPTZ          Go time.Time  TS string (RFC 3339)
  bytes    binary data    BLOB / BYTEA                     Go []byte     TS string (base64)
A ? after the type (published:time?) makes the field optional: the column
allows NULL, the Go field is a pointer and JSON has null. Without it the
column is NOT NULL. Field names are lower-case snake_case (published_at).

Examples:
  sandkit generate route posts/:id
  sandkit generate model Post title:string body:text published:time?
  sandkit generate migration add_tags

Flags:
`, routing.ParamFolder("id"))

//go:embed generate_templates
var generateTemplates embed.FS

// tmpl is every template of generate_templates, by file name.
var tmpl = template.Must(template.New("").Funcs(template.FuncMap{
	"quote": func(s string) string { return fmt.Sprintf("%q", s) },
	// prop is a JavaScript property access: .slug, or ["2fa"] for a name
	// that is not an identifier.
	"prop": func(s string) string {
		if s != "" && !('0' <= s[0] && s[0] <= '9') {
			return "." + s
		}
		return fmt.Sprintf("[%q]", s)
	},
}).ParseFS(generateTemplates, "generate_templates/*.tmpl"))

func runGenerate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	appDir := fs.String("app", ".", "the app folder to write into")
	force := fs.Bool("force", false, "overwrite files that exist")
	fs.Usage = func() {
		fmt.Fprint(stderr, generateUsage)
		fs.PrintDefaults()
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return usageError{msg: "want a KIND and a NAME, as in: sandkit generate route posts/:id (sandkit generate --help lists them)"}
	}
	kind, name, rest := pos[0], pos[1], pos[2:]
	switch kind {
	case "page", "handler", "route", "model", "migration":
	default:
		return usageError{msg: fmt.Sprintf("unknown kind %q: want page, handler, route, model or migration", kind)}
	}
	if kind != "model" && len(rest) > 0 {
		return usageError{msg: fmt.Sprintf("%s takes one NAME; fields (%s) are for a model", kind, strings.Join(rest, " "))}
	}
	dir, err := appDirArg([]string{*appDir})
	if err != nil {
		return err
	}
	g := &generator{dir: dir, force: *force, stdout: stdout}
	switch kind {
	case "page", "handler", "route":
		err = g.route(kind, name)
	case "model":
		err = g.model(ctx, name, rest)
	case "migration":
		var up, down string
		up, down, err = appdb.CreateMigration(dir, name)
		if err == nil {
			g.report(up)
			g.report(down)
		}
	}
	return err
}

// generator writes files into one app.
type generator struct {
	dir    string
	force  bool
	stdout io.Writer
	files  []pendingFile
}

// pendingFile is a file to write, relative to the app folder, made by
// the template tmpl from data when it is written.
type pendingFile struct {
	rel, tmpl string
	data      any
}

// add adds the file rel, to be made by the template name from data.
func (g *generator) add(rel, name string, data any) {
	g.files = append(g.files, pendingFile{rel, name, data})
}

// render makes the file f; a .go file is gofmt'ed, so a template mistake
// shows here rather than in a build.
func render(f pendingFile) ([]byte, error) {
	var b bytes.Buffer
	if err := tmpl.ExecuteTemplate(&b, f.tmpl, f.data); err != nil {
		return nil, err
	}
	if !strings.HasSuffix(f.rel, ".go") {
		return b.Bytes(), nil
	}
	body, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("generated %s does not parse: %w\n%s", f.rel, err, b.Bytes())
	}
	return body, nil
}

// write writes the pending files, after checking that none exists (unless
// --force): either all are written or none.
func (g *generator) write() error {
	if err := g.check(); err != nil {
		return err
	}
	bodies := make([][]byte, len(g.files))
	for i, f := range g.files {
		var err error
		if bodies[i], err = render(f); err != nil {
			return err
		}
	}
	for i, f := range g.files {
		p := filepath.Join(g.dir, filepath.FromSlash(f.rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, bodies[i], 0o644); err != nil {
			return err
		}
		g.report(p)
	}
	g.files = nil
	return nil
}

// check fails if a pending file exists, unless --force.
func (g *generator) check() error {
	var exist []string
	for _, f := range g.files {
		if _, err := os.Lstat(filepath.Join(g.dir, filepath.FromSlash(f.rel))); err == nil {
			exist = append(exist, f.rel)
		}
	}
	if len(exist) > 0 && !g.force {
		return fmt.Errorf("not overwriting %s\nhint: add --force to replace, or choose another name", strings.Join(exist, ", "))
	}
	return nil
}

func (g *generator) report(p string) { fmt.Fprintf(g.stdout, "created %s\n", p) }

// routeSpec is what the route templates know of a route.
type routeSpec struct {
	ID        string // folder under routes/, slash-separated
	Pattern   string // its URL pattern, for people: /posts/{id}, /docs/{path...}
	Package   string // Go package name of its handler
	Component string // the page component's name
	Params    []paramSpec
	Handler   bool // the route has a handler (a page reads its data)
}

// paramSpec is one URL parameter, by URL name and Go field name.
type paramSpec struct{ Name, Field string }

// route writes a page, a handler or both for the URL path name.
func (g *generator) route(kind, name string) error {
	rs, err := parseRoutePath(name)
	if err != nil {
		return err
	}
	rs.Handler = kind != "page"
	folder := path.Join("routes", rs.ID)
	if kind != "page" {
		g.add(path.Join(folder, "handler.go"), "handler.go.tmpl", rs)
	}
	if kind != "handler" {
		g.add(path.Join(folder, "page.tsx"), "page.tsx.tmpl", rs)
	}
	return g.write()
}

// parseRoutePath turns a URL path (posts/:id) into the route folder that
// serves it, spelled by the routing package, and checks it as Scan would.
func parseRoutePath(p string) (*routeSpec, error) {
	p = strings.Trim(strings.TrimSpace(p), "/")
	rs := &routeSpec{}
	var folders, statics []string
	if p != "" && p != "." {
		for _, seg := range strings.Split(p, "/") {
			var param, catchAll string
			switch {
			case strings.HasPrefix(seg, ":"):
				param = seg[1:]
			case strings.HasPrefix(seg, "*"):
				catchAll = seg[1:]
			case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "...}"):
				catchAll = strings.TrimSuffix(seg[1:], "...}")
			case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}"):
				param = seg[1 : len(seg)-1]
			default:
				if name, all, ok := routing.ParamOfFolder(seg); ok && all {
					catchAll = name
				} else if ok {
					param = name
				}
			}
			switch {
			case catchAll != "":
				seg = routing.CatchAllFolder(catchAll)
				rs.Params = append(rs.Params, paramSpec{catchAll, goName(catchAll)})
			case param != "":
				seg = routing.ParamFolder(param)
				rs.Params = append(rs.Params, paramSpec{param, goName(param)})
			case strings.HasPrefix(seg, "(") && strings.HasSuffix(seg, ")"):
				seg = routing.GroupFolder(seg[1 : len(seg)-1])
			case strings.HasPrefix(seg, "_") || strings.HasPrefix(seg, "."):
				return nil, usageError{msg: fmt.Sprintf("route %q: a folder starting with %q is never routed (spec/routing.md §1)", p, seg[:1])}
			case !routing.IsGroupFolder(seg):
				statics = append(statics, seg)
			}
			folders = append(folders, seg)
		}
	}
	rs.ID = strings.Join(folders, "/")
	table, err := routing.Scan(fstest.MapFS{path.Join(rs.ID, "page.tsx"): {}})
	if err != nil {
		return nil, usageError{msg: fmt.Sprintf("route %q: %v", p, err)}
	}
	rt := table.Routes()[0]
	rs.Pattern = strings.ReplaceAll(rt.Pattern(), ":.*}", "...}") // /docs/{path...}, not the router's regular expression
	base := "home"
	if len(statics) > 0 {
		base = statics[len(statics)-1]
	} else if len(rs.Params) > 0 {
		base = rs.Params[len(rs.Params)-1].Name
	}
	rs.Package = packageName(base)
	rs.Component = goName(base) + "Page"
	for i, prm := range rs.Params {
		if prm.Field == "Message" {
			rs.Params[i].Field = "MessageParam"
		}
	}
	return rs, nil
}

// packageName makes a Go package name of s: lower-case letters and digits,
// not starting with a digit.
func packageName(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' && b.Len() > 0 {
			b.WriteRune(c)
		}
	}
	if b.Len() == 0 {
		return "route"
	}
	return b.String()
}

// initialisms are the words Go spells in capitals inside names.
var initialisms = map[string]bool{"id": true, "url": true, "uri": true, "api": true, "http": true, "html": true,
	"json": true, "uuid": true, "ip": true, "sql": true, "css": true, "ui": true}

// goName makes an exported Go name of a snake_case, kebab-case or
// lowerCamel name: published_at -> PublishedAt, user_id -> UserID.
func goName(s string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(s, func(c rune) bool { return !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') }) {
		if initialisms[strings.ToLower(w)] {
			b.WriteString(strings.ToUpper(w))
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	out := b.String()
	if out == "" || '0' <= out[0] && out[0] <= '9' {
		out = "X" + out
	}
	return out
}

// generate model: a table's migration (per engine where the SQL differs),
// its bun struct and a handler that lists and creates rows.

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"

	"github.com/jinzhu/inflection"
	"golang.org/x/mod/modfile"

	"sandkit.dev/sandkit/host/appdb"
)

// fieldType is one type a model field may have (sandkit generate --help).
type fieldType struct {
	sqlite, postgres string // column types
	goType           string
	nullGo           string // the Go type when the field is optional
}

var fieldTypes = map[string]fieldType{
	"string": {"TEXT", "TEXT", "string", "*string"},
	"text":   {"TEXT", "TEXT", "string", "*string"},
	"int":    {"INTEGER", "BIGINT", "int64", "*int64"},
	"float":  {"REAL", "DOUBLE PRECISION", "float64", "*float64"},
	"bool":   {"BOOLEAN", "BOOLEAN", "bool", "*bool"},
	"time":   {"TIMESTAMP", "TIMESTAMPTZ", "time.Time", "*time.Time"},
	"bytes":  {"BLOB", "BYTEA", "[]byte", "[]byte"},
}

// sqlReserved are words SQLite or PostgreSQL reserve: a column named so
// would need quoting in every query written by hand.
var sqlReserved = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`all alter and any as asc between by case check collate column constraint create
		cross current_date current_time current_timestamp default delete desc distinct drop else end except exists
		foreign from full group having in index inner insert intersect into is join key left like limit natural not
		null offset on or order outer primary references right select set table then to transaction union unique
		update user using values when where window with`) {
		sqlReserved[w] = true
	}
}

// modelSpec is what the model templates know.
type modelSpec struct {
	Name       string // Go type name: Post
	Table      string // posts
	Package    string // the handler's package name
	Module     string // the app's Go module path
	Migration  string // the migration's base name, 0002_create_posts
	Fields     []modelField
	Engine     string // while rendering the migration: sqlite or postgres
	Pad        string // spaces after id, CreatedPad after created_at, to align
	CreatedPad string
	Command    string // the command line that made it
}

// modelField is one column.
type modelField struct {
	Column, Field, GoType, SQLite, Postgres string
	Null                                    bool
	Pad                                     string // spaces that align the column types
}

var columnRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// parseModel checks the model's name and fields.
func parseModel(name string, fields []string) (*modelSpec, error) {
	m := &modelSpec{Name: goName(name)}
	if !regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`).MatchString(name) {
		return nil, usageError{msg: fmt.Sprintf("model name %q: use a Go type name such as Post or BlogPost", name)}
	}
	m.Table = inflection.Plural(snake(m.Name))
	m.Package = packageName(m.Table)
	if len(fields) == 0 {
		return nil, usageError{msg: "a model needs fields, as in: sandkit generate model Post title:string body:text published:time?"}
	}
	seen := map[string]bool{"id": true, "created_at": true}
	for _, f := range fields {
		col, typ, ok := strings.Cut(f, ":")
		null := strings.HasSuffix(typ, "?")
		typ = strings.TrimSuffix(typ, "?")
		ft, known := fieldTypes[typ]
		switch {
		case !ok || !known:
			return nil, usageError{msg: fmt.Sprintf("field %q: want NAME:TYPE with TYPE one of string, text, int, float, bool, time, bytes (a ? after it: optional)", f)}
		case !columnRE.MatchString(col):
			return nil, usageError{msg: fmt.Sprintf("field %q: a name is lower-case snake_case, as in published_at", f)}
		case seen[col]:
			return nil, usageError{msg: fmt.Sprintf("field %q: %s is there already (every model has id and created_at)", f, col)}
		case sqlReserved[col]:
			return nil, usageError{msg: fmt.Sprintf("field %q: %s is a reserved word of SQL; choose another name, such as %s_%s", f, col, strings.ToLower(m.Name), col)}
		}
		seen[col] = true
		mf := modelField{Column: col, Field: goName(col), GoType: ft.goType, SQLite: ft.sqlite, Postgres: ft.postgres, Null: null}
		if null {
			mf.GoType = ft.nullGo
		}
		m.Fields = append(m.Fields, mf)
	}
	width := len("created_at")
	for _, f := range m.Fields {
		width = max(width, len(f.Column))
	}
	for i, f := range m.Fields {
		m.Fields[i].Pad = strings.Repeat(" ", width-len(f.Column))
	}
	m.Pad = strings.Repeat(" ", width-len("id"))
	m.CreatedPad = strings.Repeat(" ", width-len("created_at"))
	return m, nil
}

// snake turns a Go name into snake_case: BlogPost -> blog_post,
// HTTPLog -> http_log.
func snake(s string) string {
	upper := func(i int) bool { return i < len(s) && 'A' <= s[i] && s[i] <= 'Z' }
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if upper(i) {
			// A word starts at an upper-case letter after a lower-case one,
			// or at the last capital of an initialism followed by lower case.
			if i > 0 && (!upper(i-1) || i+1 < len(s) && !upper(i+1) && s[i+1] != '_') && s[i-1] != '_' {
				b.WriteByte('_')
			}
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// model writes the migration, the struct and the handler of a new model.
func (g *generator) model(ctx context.Context, name string, fields []string) error {
	m, err := parseModel(name, fields)
	if err != nil {
		return err
	}
	m.Command = "sandkit generate model " + name + " " + strings.Join(fields, " ")
	mod, err := os.ReadFile(filepath.Join(g.dir, "go.mod"))
	if err != nil {
		return fmt.Errorf("%w\nhint: a model is Go code: the app needs a go.mod (sandkit new makes one)", err)
	}
	f, err := modfile.ParseLax("go.mod", mod, nil)
	if err != nil || f.Module == nil {
		return fmt.Errorf("%s: no module line (%v)", filepath.Join(g.dir, "go.mod"), err)
	}
	m.Module = f.Module.Mod.Path

	g.add(path.Join("models", snake(m.Name)+".go"), "model.go.tmpl", m)
	g.add(path.Join("routes", "api", m.Table, "handler.go"), "model_handler.go.tmpl", m)
	if _, err := os.Stat(filepath.Join(g.dir, "models", "db.go")); err != nil {
		g.add(path.Join("models", "db.go"), "db.go.tmpl", m)
	}
	// The migration: the one that created this table before (with
	// --force), or a new one numbered as sandkit migrate create numbers.
	label := "create_" + m.Table
	old, _ := filepath.Glob(filepath.Join(g.dir, appdb.MigrationsDir, "[0-9]*_"+label+".up.sql"))
	if len(old) > 0 && !g.force {
		return fmt.Errorf("not overwriting %s: the table %s has a migration\nhint: add --force to replace it, or change the table with a new migration (sandkit generate migration)", old[0], m.Table)
	}
	if err := g.check(); err != nil {
		return err
	}
	if len(old) > 0 {
		m.Migration = strings.TrimSuffix(filepath.Base(old[0]), ".up.sql")
	} else {
		up, _, err := appdb.CreateMigration(g.dir, label)
		if err != nil {
			return err
		}
		m.Migration = strings.TrimSuffix(filepath.Base(up), ".up.sql")
	}
	migs := path.Join(appdb.MigrationsDir, m.Migration)
	for _, eng := range []string{"sqlite", "postgres"} {
		mm := *m
		mm.Engine = eng
		rel := migs + ".up.sql"
		if eng == "postgres" {
			rel = migs + ".postgres.up.sql"
		}
		g.add(rel, "create_table.sql.tmpl", &mm)
	}
	g.add(migs+".down.sql", "drop_table.sql.tmpl", m)
	g.force = true // the migration files are the ones just made
	if err := g.write(); err != nil {
		return err
	}
	return g.requireBun(ctx, f)
}

// bunModules are the modules a model's code imports besides the SDK.
var bunModules = []string{"github.com/uptrace/bun", "github.com/uptrace/bun/dialect/sqlitedialect", "github.com/uptrace/bun/dialect/pgdialect"}

// requireBun adds bun to the app's go.mod with go get, at the version
// sandkit itself is built with, if the app does not require it yet.
func (g *generator) requireBun(ctx context.Context, f *modfile.File) error {
	have := map[string]bool{}
	for _, r := range f.Require {
		have[r.Mod.Path] = true
	}
	versions := map[string]string{}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			versions[d.Path] = d.Version
		}
	}
	var args []string
	for _, mod := range bunModules {
		if !have[mod] {
			v := versions[mod]
			if v == "" {
				v = "v1.3.0"
			}
			args = append(args, mod+"@"+v)
		}
	}
	if len(args) == 0 {
		return nil
	}
	fmt.Fprintf(g.stdout, "go get %s\n", strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, "go", append([]string{"get"}, args...)...)
	cmd.Dir = g.dir
	// As for go build (spec/config.md): no other toolchain is fetched.
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go get %s: %w\n%s\nhint: the files were written; run that go get in %s once the module proxy is reachable",
			strings.Join(args, " "), err, out, g.dir)
	}
	return nil
}

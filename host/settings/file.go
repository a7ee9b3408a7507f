// File layer: one settings file (sandkit.toml or sandkit.<env>.toml) read
// into the settings it sets, each with its line, and its from_env values
// read from the environment.

package settings

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// entry is one setting a layer sets.
type entry struct {
	key        string
	value      any
	fromString bool // value is a string from the environment, to convert
	origin     Origin
	// unset, if not nil, is why the entry has no value: its from_env
	// variable is unset and it has no default. It is an error unless a
	// later layer sets the key.
	unset error
}

// readFile reads the settings file at path; a missing file sets nothing.
// lookup reads the environment (for from_env).
func readFile(path string, lookup func(string) (string, bool)) ([]entry, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := toml.Unmarshal(b, &doc); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, col := de.Position()
			return nil, fmt.Errorf("%s:%d:%d: %s\n%s", path, row, col, de.Error(), de.String())
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	pos := positions(b)
	var out []entry
	var errs []error
	var walk func(m map[string]any, prefix string)
	walk = func(m map[string]any, prefix string) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			key, v := prefix+k, m[k]
			p := pos[key]
			origin := Origin{Kind: FromFile, File: path, Line: p.Line, Column: p.Column}
			sub, isTable := v.(map[string]any)
			if isTable && isSection(key) {
				walk(sub, key+".")
				continue
			}
			if isSection(key) {
				errs = append(errs, fmt.Errorf("%s%s is a table of settings, not a value\nhint: write its settings under a [%s] line; spec/config.md lists them", origin.where(), key, key))
				continue
			}
			if _, _, ok := lookupField(key); !ok {
				errs = append(errs, fmt.Errorf("%sunknown setting %s\nhint: spec/config.md lists every setting%s", origin.where(), key, suggest(key)))
				continue
			}
			e := entry{key: key, value: v, origin: origin}
			if isTable {
				var unset unsetError
				if err := e.fromEnv(sub, lookup); errors.As(err, &unset) {
					e.unset = fmt.Errorf("%s%s: %w", origin.where(), key, err)
				} else if err != nil {
					errs = append(errs, fmt.Errorf("%s%s: %w", origin.where(), key, err))
					continue
				}
			}
			out = append(out, e)
		}
	}
	walk(doc, "")
	return out, errors.Join(errs...)
}

// fromEnv sets e from a table { from_env = "VAR", default = … }: the
// variable's value if it is set, else the default.
func (e *entry) fromEnv(t map[string]any, lookup func(string) (string, bool)) error {
	name, ok := t["from_env"].(string)
	for k := range t {
		if k != "from_env" && k != "default" {
			ok = false
		}
	}
	if !ok || name == "" {
		return fmt.Errorf("a table here must be { from_env = \"VARIABLE\" } or { from_env = \"VARIABLE\", default = VALUE }\nhint: write the value itself, or name the environment variable it is read from")
	}
	e.origin.Var = name
	if v, set := lookup(name); set {
		e.value, e.fromString = v, true
		return nil
	}
	if d, has := t["default"]; has {
		e.value = d
		return nil
	}
	return unsetError(name)
}

// unsetError is the error of a from_env whose variable (the string) is
// unset and that has no default.
type unsetError string

func (name unsetError) Error() string {
	return fmt.Sprintf("reads the environment variable %s, which is not set\nhint: set %s, or give a default: { from_env = %q, default = … }", string(name), string(name), string(name))
}

// positions maps each dotted key a TOML document sets to where it is set.
// The document has been decoded already, so it parses.
func positions(b []byte) map[string]unstable.Position {
	out := map[string]unstable.Position{}
	var p unstable.Parser
	p.Reset(b)
	var table []string
	keyOf := func(n *unstable.Node) []string {
		var parts []string
		for it := n.Key(); it.Next(); {
			parts = append(parts, string(it.Node().Data))
		}
		return parts
	}
	var keyval func(n *unstable.Node, prefix []string)
	keyval = func(n *unstable.Node, prefix []string) {
		parts := append(append([]string(nil), prefix...), keyOf(n)...)
		start := p.Shape(n.Raw).Start
		for i := range parts {
			k := strings.Join(parts[:i+1], ".")
			if _, seen := out[k]; !seen {
				out[k] = start
			}
		}
		if v := n.Value(); v.Kind == unstable.InlineTable {
			for it := v.Children(); it.Next(); {
				keyval(it.Node(), parts)
			}
		}
	}
	for p.NextExpression() {
		n := p.Expression()
		switch n.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = keyOf(n)
			if it := n.Key(); it.Next() {
				if k := strings.Join(table, "."); out[k] == (unstable.Position{}) {
					out[k] = p.Shape(it.Node().Raw).Start
				}
			}
		case unstable.KeyValue:
			keyval(n, table)
		}
	}
	return out
}

// suggest names the setting a mistyped key most likely meant: one within
// two edits of it.
func suggest(key string) string {
	best, bestD := "", 3
	for _, f := range fields {
		if d := editDistance(key, f.key); d < bestD {
			best, bestD = f.key, d
		}
	}
	if best == "" {
		return ""
	}
	return " (did you mean " + best + "?)"
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// Fields: the settings Config declares, found from its toml tags, and how
// a value of each is checked, converted and set (one code path for values
// from files, from_env and SANDKIT_* variables).

package settings

import (
	"encoding"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// field is one setting: its dotted key ("limits.request_timeout") and where
// it lives in a Config.
type field struct {
	key   string
	index []int
	typ   reflect.Type
}

// fields lists Config's settings, sorted by key. A map (the [env] table)
// is one field whose keys are the app's own.
var fields = func() []field {
	var out []field
	var walk func(t reflect.Type, prefix string, index []int)
	walk = func(t reflect.Type, prefix string, index []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			if tag == "" || tag == "-" {
				continue
			}
			idx := append(append([]int(nil), index...), i)
			if f.Type.Kind() == reflect.Struct && !isText(f.Type) {
				walk(f.Type, prefix+tag+".", idx)
				continue
			}
			out = append(out, field{key: prefix + tag, index: idx, typ: f.Type})
		}
	}
	walk(reflect.TypeFor[Config](), "", nil)
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}()

// isText reports whether values of t are written as strings (Duration).
func isText(t reflect.Type) bool {
	return reflect.PointerTo(t).Implements(reflect.TypeFor[encoding.TextUnmarshaler]())
}

// lookupField finds the field of a dotted key; for a key inside a map
// field ("env.GREETING") it returns the map's field and the map key.
func lookupField(key string) (f field, mapKey string, ok bool) {
	for _, f := range fields {
		if f.key == key && f.typ.Kind() != reflect.Map {
			return f, "", true
		}
		if f.typ.Kind() == reflect.Map && strings.HasPrefix(key, f.key+".") && !strings.Contains(key[len(f.key)+1:], ".") {
			return f, key[len(f.key)+1:], true
		}
	}
	return field{}, "", false
}

// isSection reports whether key names a table of settings ("limits").
func isSection(key string) bool {
	for _, f := range fields {
		if strings.HasPrefix(f.key, key+".") || (f.key == key && f.typ.Kind() == reflect.Map) {
			return true
		}
	}
	return false
}

// convert turns v (a TOML value, or a string from the environment when
// fromString) into a value of type t, or says what was wanted.
func convert(v any, t reflect.Type, fromString bool) (reflect.Value, error) {
	out := reflect.New(t).Elem()
	s, isStr := v.(string)
	switch {
	case isText(t):
		if !isStr {
			return out, fmt.Errorf("want a string such as \"10s\", got %v", v)
		}
		if err := out.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			return out, err
		}
	case t.Kind() == reflect.String:
		if !isStr {
			return out, fmt.Errorf("want a string, got %v", v)
		}
		out.SetString(s)
	case t.Kind() == reflect.Bool:
		b, ok := v.(bool)
		if fromString && isStr {
			var err error
			if b, err = strconv.ParseBool(s); err != nil {
				return out, fmt.Errorf("want true or false, got %q", s)
			}
			ok = true
		}
		if !ok {
			return out, fmt.Errorf("want true or false, got %v", v)
		}
		out.SetBool(b)
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		n, err := toInt(v, fromString)
		if err != nil || out.OverflowInt(n) {
			return out, fmt.Errorf("want an integer, got %s", show(v))
		}
		out.SetInt(n)
	case t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uint64:
		n, err := toInt(v, fromString)
		if err != nil || n < 0 || out.OverflowUint(uint64(n)) {
			return out, fmt.Errorf("want a positive integer, got %s", show(v))
		}
		out.SetUint(uint64(n))
	default:
		return out, fmt.Errorf("cannot set a %v", t)
	}
	return out, nil
}

// toInt reads an integer: a TOML integer, or a decimal string from the
// environment.
func toInt(v any, fromString bool) (int64, error) {
	switch v := v.(type) {
	case int64:
		return v, nil
	case string:
		if fromString {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, fmt.Errorf("not an integer")
}

// show writes a value in an error: strings quoted.
func show(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

// set stores v at f (and mapKey, for a map field) in cfg.
func (f field) set(cfg *Config, mapKey string, v any, fromString bool) error {
	dst := reflect.ValueOf(cfg).Elem().FieldByIndex(f.index)
	if f.typ.Kind() == reflect.Map {
		val, err := convert(v, f.typ.Elem(), fromString)
		if err != nil {
			return err
		}
		if dst.IsNil() {
			dst.Set(reflect.MakeMap(f.typ))
		}
		dst.SetMapIndex(reflect.ValueOf(mapKey), val)
		return nil
	}
	val, err := convert(v, f.typ, fromString)
	if err != nil {
		return err
	}
	dst.Set(val)
	return nil
}

// format writes a setting's value as TOML would.
func format(v reflect.Value) string {
	switch {
	case isText(v.Type()):
		b, _ := v.Interface().(encoding.TextMarshaler).MarshalText()
		return strconv.Quote(string(b))
	case v.Kind() == reflect.String:
		return strconv.Quote(v.String())
	}
	return fmt.Sprint(v.Interface())
}

// Segment names: what one folder name under routes/ means in a URL.

package routing

import (
	"fmt"
	"strings"
)

// segKind is what a folder name contributes to a URL path. The order of the
// constants is the precedence order: at the same position a static segment
// beats a parameter, which beats a catch-all.
type segKind uint8

const (
	segStatic   segKind = iota // about  -> /about
	segParam                   // [slug] -> /{slug}
	segCatchAll                // [...rest] -> /{rest:.*}
	segGroup                   // (marketing) -> nothing
)

// segment is one parsed folder name.
type segment struct {
	kind segKind
	name string // the static text, the parameter name (no brackets), or the group name
}

// String gives the folder name back.
func (s segment) String() string {
	switch s.kind {
	case segParam:
		return "[" + s.name + "]"
	case segCatchAll:
		return "[..." + s.name + "]"
	case segGroup:
		return "(" + s.name + ")"
	}
	return s.name
}

// unrouted reports whether a folder with this name is skipped with everything
// under it: hidden folders (.git) and private ones (_components).
func unrouted(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// segError is a bad folder name: what is wrong and how to fix it.
type segError struct{ msg, hint string }

func (e *segError) Error() string { return e.msg }

func badName(name, hint, format string, args ...any) *segError {
	return &segError{msg: fmt.Sprintf("folder name %q: ", name) + fmt.Sprintf(format, args...), hint: hint}
}

// parseSegment reads one folder name. It does not judge unrouted names
// (.hidden, _private); the caller skips those before asking.
func parseSegment(name string) (segment, error) {
	switch {
	case name == "":
		return segment{}, badName(name, "give the folder a name", "empty")
	case strings.Contains(name, "/"):
		return segment{}, badName(name, "a folder name cannot hold a /", "contains /")
	case strings.HasPrefix(name, "["):
		return parseParam(name)
	case strings.ContainsAny(name, "[]"):
		return segment{}, badName(name, "a parameter is a whole folder name, as in [slug]; move the static text into a folder of its own",
			"brackets must enclose the whole name")
	case strings.HasPrefix(name, "("):
		inner, ok := strings.CutSuffix(name[1:], ")")
		if !ok || inner == "" || strings.ContainsAny(inner, "()") {
			return segment{}, badName(name, "a group folder is a name in parentheses, as in (marketing)", "not a group name")
		}
		return segment{kind: segGroup, name: inner}, nil
	}
	return segment{kind: segStatic, name: name}, nil
}

// parseParam reads [name] and [...name].
func parseParam(name string) (segment, error) {
	inner, ok := strings.CutSuffix(name[1:], "]")
	if !ok {
		return segment{}, badName(name, "close the bracket, as in [slug]", `missing "]"`)
	}
	kind := segParam
	if rest, ok := strings.CutPrefix(inner, "..."); ok {
		kind, inner = segCatchAll, rest
	}
	switch {
	case strings.HasPrefix(inner, "[") || strings.HasSuffix(inner, "]"):
		return segment{}, badName(name, "use [...name] (it also matches no segments at all)", "optional segments [[...]] are not supported")
	case inner == "":
		return segment{}, badName(name, "name the parameter, as in [slug] or [...rest]", "parameter has no name")
	}
	for _, c := range []byte(inner) {
		if !isNameByte(c) {
			return segment{}, badName(name, "use only letters, digits and _, as in [post_id]",
				"parameter name %q has the character %q", inner, rune(c))
		}
	}
	return segment{kind: kind, name: inner}, nil
}

func isNameByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// parseID parses a whole route id (posts/[slug]) as Scan would: each folder
// name, then the rules that span a route. An unrouted folder (.x, _x) is an
// error here because no route can live under one.
func parseID(id string) ([]segment, error) {
	if id == "" {
		return nil, nil
	}
	var segs []segment
	for _, name := range strings.Split(id, "/") {
		if unrouted(name) {
			return nil, badName(name, "folders starting with . or _ are never routed", "not routable")
		}
		seg, err := parseSegment(name)
		if err != nil {
			return nil, err
		}
		segs = append(segs, seg)
	}
	if err := checkSegments(segs); err != nil {
		return nil, err
	}
	return segs, nil
}

// checkSegments applies the rules that span a route's folders: a catch-all
// comes last and a parameter name appears once.
func checkSegments(segs []segment) error {
	seen := map[string]bool{}
	var catchAll *segment
	for i := range segs {
		s := &segs[i]
		if s.kind == segGroup {
			continue
		}
		if catchAll != nil {
			return &segError{
				msg:  fmt.Sprintf("catch-all %s must be the last segment, but %s follows it", catchAll, s),
				hint: fmt.Sprintf("move the route out of %s, or make it a single parameter [%s]", catchAll, catchAll.name),
			}
		}
		if s.kind == segStatic {
			continue
		}
		if seen[s.name] {
			return &segError{
				msg:  fmt.Sprintf("parameter %q appears twice", s.name),
				hint: "rename one of the two folders",
			}
		}
		seen[s.name] = true
		if s.kind == segCatchAll {
			catchAll = s
		}
	}
	return nil
}

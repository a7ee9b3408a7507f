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
	segParam                   // slug.param -> /{slug}
	segCatchAll                // rest.all -> /{rest:.*}
	segGroup                   // marketing.group -> nothing
)

// The suffixes that make a folder name a parameter, a catch-all or a group.
// Every spelling is one Go accepts as a package folder (an import path
// element that the go command builds and that ./... includes), so a route
// folder may hold Go source whatever kind it is (spec/routing.md §2).
const (
	ParamSuffix    = ".param"
	CatchAllSuffix = ".all"
	GroupSuffix    = ".group"
)

// segment is one parsed folder name.
type segment struct {
	kind segKind
	name string // the static text, the parameter name (no suffix), or the group name
}

// String gives the folder name back.
func (s segment) String() string {
	switch s.kind {
	case segParam:
		return s.name + ParamSuffix
	case segCatchAll:
		return s.name + CatchAllSuffix
	case segGroup:
		return s.name + GroupSuffix
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
	case strings.HasPrefix(name, "[") || strings.HasPrefix(name, "("):
		return segment{}, oldSpelling(name)
	case strings.ContainsAny(name, "[]()"):
		return segment{}, badName(name, "a parameter is a whole folder name, as in slug.param; move the static text into a folder of its own",
			"brackets and parentheses are not part of a folder spelling")
	}
	for _, k := range []struct {
		suffix string
		kind   segKind
	}{{ParamSuffix, segParam}, {CatchAllSuffix, segCatchAll}, {GroupSuffix, segGroup}} {
		inner, ok := strings.CutSuffix(name, k.suffix)
		if !ok {
			continue
		}
		if err := checkName(name, inner, k.suffix); err != nil {
			return segment{}, err
		}
		return segment{kind: k.kind, name: inner}, nil
	}
	return segment{kind: segStatic, name: name}, nil
}

// oldSpelling refuses the bracket spellings ([slug], [...rest], (group))
// with the one that replaces them: Go's tools cannot build a package in such
// a folder, and a route keeps one spelling whatever files it holds.
func oldSpelling(name string) error {
	var inner, suffix string
	switch {
	case strings.HasPrefix(name, "[[..."):
		inner, suffix = strings.TrimSuffix(name[5:], "]]"), CatchAllSuffix
	case strings.HasPrefix(name, "[..."):
		inner, suffix = strings.TrimSuffix(name[4:], "]"), CatchAllSuffix
	case strings.HasPrefix(name, "["):
		inner, suffix = strings.TrimSuffix(name[1:], "]"), ParamSuffix
	default:
		inner, suffix = strings.TrimSuffix(name[1:], ")"), GroupSuffix
	}
	kind := map[string]string{ParamSuffix: "parameter", CatchAllSuffix: "catch-all", GroupSuffix: "group"}[suffix]
	if inner == "" || strings.IndexFunc(inner, func(r rune) bool { return r > 0x7f || !isNameByte(byte(r)) }) >= 0 || !isNameByte(inner[0]) || inner[0] == '_' || '0' <= inner[0] && inner[0] <= '9' {
		inner = "name"
	}
	return badName(name, fmt.Sprintf("rename the folder %s%s", inner, suffix),
		"a %s is spelled NAME%s, not with brackets or parentheses, which Go's tools refuse in a package path", kind, suffix)
}

// checkName judges the NAME of NAME.param, NAME.all and NAME.group.
func checkName(folder, inner, suffix string) error {
	if inner == "" {
		return badName(folder, "name it, as in slug"+suffix, "%s has no name", suffix)
	}
	if c := inner[0]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
		return badName(folder, "start the name with a letter, as in post_id"+suffix,
			"name %q starts with %q", inner, rune(c))
	}
	for _, c := range []byte(inner) {
		if !isNameByte(c) {
			return badName(folder, "use only letters, digits and _, as in post_id"+suffix,
				"name %q has the character %q", inner, rune(c))
		}
	}
	return nil
}

func isNameByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// parseID parses a whole route id (posts/slug.param) as Scan would: each folder
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
				hint: fmt.Sprintf("move the route out of %s, or make it a single parameter %s%s", catchAll, catchAll.name, ParamSuffix),
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

// FolderKind is what one folder name under routes/ contributes to a URL.
type FolderKind uint8

// The kinds of folder, as ParseFolder reports them.
const (
	FolderStatic   FolderKind = FolderKind(segStatic)   // about: the text itself
	FolderParam    FolderKind = FolderKind(segParam)    // slug.param: one segment
	FolderCatchAll FolderKind = FolderKind(segCatchAll) // rest.all: the rest of the path
	FolderGroup    FolderKind = FolderKind(segGroup)    // marketing.group: nothing
)

// ParseFolder reads one routed folder name as Scan does: its kind and its
// name (the static text, or the name before the suffix).
func ParseFolder(name string) (FolderKind, string, error) {
	s, err := parseSegment(name)
	if err != nil {
		return 0, "", err
	}
	return FolderKind(s.kind), s.name, nil
}

// Folder names: the spelling of a URL segment as a folder under routes/,
// for tools that write route folders (sandkit generate).

package routing

// ParamFolder is the folder name of a parameter segment named name, such
// as the folder of /posts/{id} under posts/. It is the spelling Scan
// reads: a tool that writes route folders calls it rather than spelling
// the folder itself.
func ParamFolder(name string) string { return segment{kind: segParam, name: name}.String() }

// CatchAllFolder is the folder name of a catch-all segment named name
// (spec/routing.md §2).
func CatchAllFolder(name string) string { return segment{kind: segCatchAll, name: name}.String() }

// ParamOfFolder reports whether folder is the folder name of a parameter or
// a catch-all segment, and the parameter's name: the inverse of ParamFolder
// and CatchAllFolder.
func ParamOfFolder(folder string) (name string, catchAll, ok bool) {
	if unrouted(folder) {
		return "", false, false
	}
	seg, err := parseSegment(folder)
	if err != nil || seg.kind != segParam && seg.kind != segCatchAll {
		return "", false, false
	}
	return seg.name, seg.kind == segCatchAll, true
}

// GroupFolder is the folder name of a group named name: a folder that
// groups routes without adding a URL segment (spec/routing.md §2).
func GroupFolder(name string) string { return segment{kind: segGroup, name: name}.String() }

// IsGroupFolder reports whether folder is the folder name of a group.
func IsGroupFolder(folder string) bool {
	if unrouted(folder) {
		return false
	}
	seg, err := parseSegment(folder)
	return err == nil && seg.kind == segGroup
}

// Errors a person reads: which file or folder is wrong, and how to fix it.

package routing

// Error is one problem Scan found in the routes/ tree. Scan returns all of
// them joined with errors.Join; use errors.As to get at the first, or
// unwrap the join (interface{ Unwrap() []error }) to list them all.
type Error struct {
	// Path is the folder or file, relative to the app and slash-separated:
	// "routes/posts/[slug" or "routes/posts/handler.wasm".
	Path string
	// Problem says what is wrong.
	Problem string
	// Hint says how to fix it.
	Hint string
}

// Error formats as "routes/x: problem (hint: ...)".
func (e *Error) Error() string {
	s := e.Path + ": " + e.Problem
	if e.Hint != "" {
		s += " (hint: " + e.Hint + ")"
	}
	return s
}

// appPath is dir (relative to routes/) as a path relative to the app.
func appPath(dir string) string {
	if dir == "" || dir == "." {
		return "routes"
	}
	return "routes/" + dir
}

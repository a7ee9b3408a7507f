// Operator: what a host operator's own configuration file (package
// host/tenant) reuses of an app's settings: where each key is written and the
// allowed range of each limit.

package settings

// Position is where a key is written in a TOML document: 1-based line and
// column.
type Position struct{ Line, Column int }

// KeyPositions maps each dotted key the TOML document doc sets ("limits",
// "limits.memory_pages", "apps.blog.domains") to where it is written. doc
// must be a document that decodes.
func KeyPositions(doc []byte) map[string]Position {
	out := map[string]Position{}
	for k, p := range positions(doc) {
		out[k] = Position{Line: p.Line, Column: p.Column}
	}
	return out
}

// LimitError is a limit out of its allowed range.
type LimitError struct {
	Key string // as written under [limits]: "memory_pages"
	Msg string // the allowed range: "at most 65536 (4 GiB)"
}

func (e *LimitError) Error() string { return e.Key + ": " + e.Msg }

// Check reports the first of l's limits that is out of its allowed range,
// as loading an app's settings does; nil if all are in range.
func (l Limits) Check() *LimitError {
	if ke := l.validate(); ke != nil {
		return &LimitError{Key: ke.key, Msg: ke.msg}
	}
	return nil
}

// Closest returns the candidate within two edits of word, the nearest
// first, or "" if there is none: the "did you mean" of an error message.
func Closest(word string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if d := editDistance(word, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

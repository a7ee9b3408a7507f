// Response: the value a handler returns, and its constructors.

package sandkit

import (
	"encoding/json"
	"iter"
	"strings"
	"unsafe"

	"sandkit.dev/sandkit/abi"
)

// Content types set by the constructors.
const (
	contentText = "text/plain; charset=utf-8"
	contentHTML = "text/html; charset=utf-8"
	contentJSON = "application/json"
)

// Response is a complete HTTP response: status, headers and body. Build one
// with a constructor such as [Text] or [RawJSON] and add headers with
// [Response.WithHeader]. A Response is a small value; copying it is cheap and
// does not copy the body.
//
// The zero Response is a 200 with no headers and no body.
type Response struct {
	status      int
	contentType string     // kept apart from extra so constructors do not allocate
	extra       []abi.Pair // never appended to in place; WithHeader copies
	body        string     // may alias a []byte handed to Bytes or RawJSON
}

// Text returns a response with a text/plain (UTF-8) body.
func Text(status int, s string) Response {
	return Response{status: status, contentType: contentText, body: s}
}

// HTML returns a response with a text/html (UTF-8) body.
func HTML(status int, s string) Response {
	return Response{status: status, contentType: contentHTML, body: s}
}

// Bytes returns a response with body b and the given Content-Type (none if
// contentType is empty). The response takes ownership of b: do not modify b
// afterwards.
func Bytes(status int, contentType string, b []byte) Response {
	return Response{status: status, contentType: contentType, body: unsafe.String(unsafe.SliceData(b), len(b))}
}

// RawJSON returns a response whose body b is already-encoded JSON, with
// Content-Type application/json. It is the fast path for JSON: no reflection.
// The response takes ownership of b.
func RawJSON(status int, b []byte) Response {
	return Bytes(status, contentJSON, b)
}

// JSON encodes v with encoding/json and returns it as an application/json
// response. encoding/json works by reflection, which in wasm costs about ten
// times what it does natively; on hot paths, build the bytes with a
// [JSONBuilder] (or [AppendJSONString] and strconv.AppendInt) and use
// [RawJSON]. Never quote strings for JSON with strconv.Quote: its Go escapes
// (\a, \x1b, \xff) are not JSON. If v cannot be encoded, the error is
// logged and the response is a 500.
func JSON(status int, v any) Response {
	b, err := json.Marshal(v)
	if err != nil {
		Log(LevelError, "sandkit: JSON response: "+err.Error())
		return Error(500, "internal error: cannot encode JSON response")
	}
	return RawJSON(status, b)
}

// Redirect returns a response that sends the client to location, which may
// be a path or an absolute URL. status should be a 3xx code: 302 Found, 303
// See Other (after a form POST), 307 or 308.
func Redirect(status int, location string) Response {
	return Response{status: status, extra: []abi.Pair{{Name: "Location", Value: location}}}
}

// Error returns a plain-text error response whose body is msg and a newline,
// as net/http's Error does.
func Error(status int, msg string) Response {
	return Response{
		status:      status,
		contentType: contentText,
		extra:       []abi.Pair{{Name: "X-Content-Type-Options", Value: "nosniff"}},
		body:        msg + "\n",
	}
}

// Empty returns a response with a status and nothing else, such as 204.
func Empty(status int) Response {
	return Response{status: status}
}

// WithHeader returns a copy of r with the header name: value added. A header
// may be added several times. Content-Type is the exception: it replaces the
// previous value. The host rejects names that are not HTTP tokens and values
// that contain CR, LF or NUL; the request then fails with a 500.
func (r Response) WithHeader(name, value string) Response {
	if strings.EqualFold(name, "Content-Type") {
		r.contentType = value
		return r
	}
	extra := make([]abi.Pair, len(r.extra), len(r.extra)+1)
	copy(extra, r.extra)
	r.extra = append(extra, abi.Pair{Name: name, Value: value})
	return r
}

// Status returns the status code; 200 for the zero Response.
func (r Response) Status() int {
	if r.status == 0 {
		return 200
	}
	return r.status
}

// Header returns the first value of the header name (case-insensitive), or
// "" if it is not set.
func (r Response) Header(name string) string {
	for n, v := range r.Headers() {
		if strings.EqualFold(n, name) {
			return v
		}
	}
	return ""
}

// Headers yields the response's headers in the order they will be sent.
func (r Response) Headers() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		if r.contentType != "" && !yield("Content-Type", r.contentType) {
			return
		}
		for _, p := range r.extra {
			if !yield(p.Name, p.Value) {
				return
			}
		}
	}
}

// Body returns the response body.
func (r Response) Body() string {
	return r.body
}

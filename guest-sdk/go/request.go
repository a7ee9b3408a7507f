// Request: what a handler receives, read from the request head and the body import.

package sandkit

import (
	"errors"
	"io"
	"iter"
	"net/url"
	"strings"

	"sandkit.dev/sandkit/abi"
)

// ErrBodyTooLarge is returned while reading a request body that exceeds the
// host's limit (limits.body_bytes, 8 MiB by default).
var ErrBodyTooLarge = errors.New("sandkit: request body too large")

// errBodyRead is returned when the host fails to deliver the body.
var errBodyRead = errors.New("sandkit: reading request body failed")

// Request is one HTTP request as the host delivers it. It is valid only
// until the handler returns.
type Request struct {
	head    abi.RequestHead
	query   url.Values
	queried bool
	body    bodyReader
	values  []keyValue // SetValue's, in the order set
}

// keyValue is one value a handler attached to the request.
type keyValue struct{ key, value any }

// reset prepares r for a new head; the head itself is decoded in place.
func (r *Request) reset() {
	r.query = nil
	r.queried = false
	r.body = bodyReader{}
	clear(r.values) // drop the references: the next request sees none
	r.values = r.values[:0]
}

// SetValue attaches value to the request under key, replacing a value set
// before under the same key, for the rest of this request only: a
// middleware (spec/routing.md §8) passes what it found (the session it
// loaded, the user) to the handlers it wraps this way. key must be
// comparable; use a type of your own package, as with context.WithValue,
// so that packages do not clash.
func (r *Request) SetValue(key, value any) {
	for i := range r.values {
		if r.values[i].key == key {
			r.values[i].value = value
			return
		}
	}
	r.values = append(r.values, keyValue{key, value})
}

// Value returns the value attached to the request under key with
// [Request.SetValue], or nil.
func (r *Request) Value(key any) any {
	for _, kv := range r.values {
		if kv.key == key {
			return kv.value
		}
	}
	return nil
}

// Method returns the request method as received: GET, POST, ...
func (r *Request) Method() string { return r.head.Method }

// Route returns the route id: the route's folder under routes/ with "/"
// separators and folder names kept (posts/slug.param); "" for the root route.
func (r *Request) Route() string { return r.head.Route }

// Path returns the percent-decoded URL path.
func (r *Request) Path() string { return r.head.Path }

// RawQuery returns the query string without '?', still percent-encoded.
func (r *Request) RawQuery() string { return r.head.Query }

// Param returns the value of the route parameter name (the folder name
// without its suffix: "slug" for slug.param), or "" if there is none. A catch-all
// parameter holds the rest of the path without a leading slash.
func (r *Request) Param(name string) string {
	for _, p := range r.head.Params {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

// Query returns the parsed query string. It is parsed on first use;
// malformed pairs are skipped. Do not modify the map.
func (r *Request) Query() url.Values {
	if !r.queried {
		r.query, _ = url.ParseQuery(r.head.Query)
		r.queried = true
	}
	return r.query
}

// QueryValue returns the first value of the query parameter name, or "".
// It reads the raw query without building the map [Request.Query] does
// (an allocation or more per request, dear in wasm), with the same result.
func (r *Request) QueryValue(name string) string {
	if r.queried {
		return r.query.Get(name)
	}
	for q := r.head.Query; q != ""; {
		var pair string
		pair, q, _ = strings.Cut(q, "&")
		if pair == "" || strings.Contains(pair, ";") {
			continue // url.ParseQuery skips the pair too
		}
		k, v, _ := strings.Cut(pair, "=")
		if strings.ContainsAny(k, "%+") {
			var err error
			if k, err = url.QueryUnescape(k); err != nil {
				continue // url.ParseQuery skips it too
			}
		}
		if k != name {
			continue
		}
		uv, err := url.QueryUnescape(v)
		if err != nil {
			continue // url.ParseQuery skips it too
		}
		return uv
	}
	return ""
}

// Header returns the first value of the request header name, compared
// case-insensitively, or "" if the request has none.
func (r *Request) Header(name string) string {
	for _, p := range r.head.Headers {
		if strings.EqualFold(p.Name, name) {
			return p.Value
		}
	}
	return ""
}

// Headers yields every request header line in arrival order, with
// canonical names (Content-Type). A header sent several times is yielded
// once per value.
func (r *Request) Headers() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for _, p := range r.head.Headers {
			if !yield(p.Name, p.Value) {
				return
			}
		}
	}
}

// ContentLength returns the body length in bytes, or -1 if it is unknown.
func (r *Request) ContentLength() int64 { return r.head.ContentLength }

// RequestID returns the host's id for this request, for log correlation.
func (r *Request) RequestID() string { return r.head.RequestID }

// Body returns a reader over the request body. The body is streamed from
// the host in chunks as it is read and can be read only once.
func (r *Request) Body() io.Reader { return &r.body }

// ReadBody reads the rest of the request body into memory.
func (r *Request) ReadBody() ([]byte, error) {
	size := 512
	if n := r.head.ContentLength; n >= 0 && n < 8<<20 {
		size = int(n) + 1 // +1 so the final read that sees EOF needs no growth
	}
	b := make([]byte, 0, size)
	for {
		n, err := r.body.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// bodyReader reads the body through the body_read import.
type bodyReader struct {
	err  error     // sticky: io.EOF or a failure
	test *testBody // a request made by sandkittest (native builds only)
}

func (b *bodyReader) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if len(p) > 1<<30 {
		p = p[:1<<30]
	}
	var n int32
	if b.test != nil {
		n = b.test.read(p)
	} else {
		n = hostBodyRead(p)
	}
	switch {
	case n > 0:
		return int(n), nil
	case n == 0:
		b.err = io.EOF
	case n == abi.ErrTooLarge:
		b.err = ErrBodyTooLarge
	default:
		b.err = errBodyRead
	}
	return 0, b.err
}

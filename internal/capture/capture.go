// Package capture holds back an HTTP handler's answer (status, header and
// body) so that the caller can look at it, change it or use it as data
// before anything reaches the client: a page's loader answer becomes the
// page's data (host/pageserve), a dev document gets the dev script
// (sandkit dev).
package capture

import (
	"bytes"
	"mime"
	"net/http"
	"strings"
)

// Response is an http.ResponseWriter that keeps what a handler writes.
// A 1xx status (103 Early Hints) is not the final one and is dropped.
type Response struct {
	Status int // 0 until the handler writes; Serve makes it 200 then
	Body   bytes.Buffer
	header http.Header
}

// Serve runs h on r and returns its answer; one that wrote nothing is a
// 200.
func Serve(h http.Handler, r *http.Request) *Response {
	c := &Response{header: http.Header{}}
	h.ServeHTTP(c, r)
	if c.Status == 0 {
		c.Status = http.StatusOK
	}
	return c
}

// Header is the answer's header.
func (c *Response) Header() http.Header { return c.header }

// WriteHeader keeps the first final status.
func (c *Response) WriteHeader(code int) {
	if c.Status == 0 && code >= 200 {
		c.Status = code
	}
}

// Write keeps p, with a 200 if no status was written.
func (c *Response) Write(p []byte) (int, error) {
	if c.Status == 0 {
		c.Status = http.StatusOK
	}
	return c.Body.Write(p)
}

// Send writes the answer to w as it is.
func (c *Response) Send(w http.ResponseWriter) {
	for k, v := range c.header {
		w.Header()[k] = v
	}
	w.WriteHeader(c.Status)
	w.Write(c.Body.Bytes())
}

// IsJSON reports whether the body is JSON by its Content-Type.
func (c *Response) IsJSON() bool {
	mt, _, _ := mime.ParseMediaType(c.header.Get("Content-Type"))
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

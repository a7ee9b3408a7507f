// Fuzzing the parser of a command guest's CGI output.

package host

import (
	"net/http"
	"strings"
	"testing"

	"sandkit.dev/sandkit/abi"
)

// FuzzParseCGI: whatever a command guest prints, parseCGI fails the
// request or yields a status in range, at most abi.MaxHeaders headers that
// are valid and not the host's own, and a body within the response limit.
//
//	go test -run '^$' -fuzz '^FuzzParseCGI$' ./host
func FuzzParseCGI(f *testing.F) {
	f.Add([]byte("Status: 201 Created\r\nContent-Type: text/plain\r\n\r\nhello"))
	f.Add([]byte("Location: /there\n\n"))
	f.Add([]byte("Content-Length: 5\nTransfer-Encoding: chunked\nX-A: 1\nX-A: 2\n\nbody"))
	f.Add([]byte("X-Bad\x00: v\n\n"))
	f.Add([]byte("X-Folded: a\n b\n\n"))
	f.Add([]byte("Status: 99\n\n"))
	f.Add([]byte("no blank line"))
	f.Add([]byte(strings.Repeat("X-A: 1\n", abi.MaxHeaders+1) + "\n"))
	f.Fuzz(func(t *testing.T, out []byte) {
		c := &call{header: http.Header{}, status: http.StatusOK, outLimit: 1 << 10}
		if err := parseCGI(out, c); err != nil {
			return
		}
		if c.status < 100 || c.status > 999 {
			t.Fatalf("status %d", c.status)
		}
		n := 0
		for k, vs := range c.header {
			if reservedHeader([]byte(k)) {
				t.Fatalf("host-owned header %q passed", k)
			}
			for _, v := range vs {
				n++
				if !validHeader(k, v) {
					t.Fatalf("invalid header %q: %q passed", k, v)
				}
			}
		}
		if n > abi.MaxHeaders {
			t.Fatalf("%d header lines, over %d", n, abi.MaxHeaders)
		}
		if int64(c.out.Len()) > c.outLimit {
			t.Fatalf("body of %d bytes over the %d limit", c.out.Len(), c.outLimit)
		}
	})
}

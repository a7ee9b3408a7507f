// Cookies a page's handler sets while its document is rendered: the
// Set-Cookie lines of the loader's answer (and of the action's, for a
// form posted without JavaScript) go out with the document or redirect
// that replaces that answer, so a session or a flash message read or
// changed by the handler reaches the browser.

package pageserve

import (
	"net/http"

	"sandkit.dev/sandkit/internal/capture"
)

// setCookies returns the Set-Cookie lines of the captured answers, in order.
func setCookies(cs ...*capture.Response) []string {
	var out []string
	for _, c := range cs {
		if c != nil {
			out = append(out, c.Header().Values("Set-Cookie")...)
		}
	}
	return out
}

// withCookies adds cookies to the final (non-1xx) answer written to the
// wrapped writer, and not to a 103 Early Hints sent before it.
type withCookies struct {
	http.ResponseWriter
	cookies []string
	sent    bool
}

// cookieWriter wraps w to send cookies with its final answer; w itself
// when there are none.
func cookieWriter(w http.ResponseWriter, cookies []string) http.ResponseWriter {
	if len(cookies) == 0 {
		return w
	}
	return &withCookies{ResponseWriter: w, cookies: cookies}
}

func (c *withCookies) WriteHeader(code int) {
	if !c.sent && code >= 200 {
		c.sent = true
		for _, v := range c.cookies {
			c.ResponseWriter.Header().Add("Set-Cookie", v)
		}
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *withCookies) Write(p []byte) (int, error) {
	if !c.sent {
		c.WriteHeader(http.StatusOK)
	}
	return c.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the writer underneath.
func (c *withCookies) Unwrap() http.ResponseWriter { return c.ResponseWriter }

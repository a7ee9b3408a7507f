// Safe redirects after login: the next parameter is followed only when it
// is a path on this site.

package auth

import (
	"net/url"
	"strings"
)

// SafeNext returns next if it is a path on this site (it begins with one
// "/", not "//" or "/\", which browsers take for another host; has no
// scheme, host, backslash or control character; and is at most 2048
// bytes), and "/" otherwise. Use it on every URL a request asks to be
// sent to after logging in.
func SafeNext(next string) string {
	if next == "" || len(next) > 2048 || next[0] != '/' || strings.HasPrefix(next, "//") {
		return "/"
	}
	for i := 0; i < len(next); i++ {
		if c := next[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	return next
}

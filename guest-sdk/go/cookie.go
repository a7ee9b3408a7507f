// Cookies: reading the request's Cookie header and adding Set-Cookie lines
// to a response (RFC 6265), without net/http, which would add about 2 MB to
// every handler's module (spec/RATIONALE.md, "Cookies without net/http").

package sandkit

import (
	"iter"
	"strconv"
	"strings"
	"time"
)

// Cookie returns the value of the request's cookie name and whether the
// request has it. When a browser sends two cookies of one name (set for
// different paths), the first one, the most specific, wins.
func (r *Request) Cookie(name string) (string, bool) {
	for n, v := range r.Cookies() {
		if n == name {
			return v, true
		}
	}
	return "", false
}

// Cookies yields the request's cookies, name and value, in the order the
// browser sent them, from every Cookie header. Pairs that are not
// name=value with a valid name are skipped; a value in double quotes is
// yielded without them.
func (r *Request) Cookies() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for _, p := range r.head.Headers {
			if !strings.EqualFold(p.Name, "Cookie") {
				continue
			}
			for part := range strings.SplitSeq(p.Value, ";") {
				name, value, ok := strings.Cut(strings.TrimSpace(part), "=")
				if !ok || !isToken(name) {
					continue
				}
				if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
					value = value[1 : len(value)-1]
				}
				if !validCookieValue(value) {
					continue
				}
				if !yield(name, value) {
					return
				}
			}
		}
	}
}

// SameSite is a cookie's SameSite attribute.
type SameSite int

// SameSite values. [NewCookie] sets SameSiteLax: the browser sends the
// cookie on top-level navigations from other sites (following a link) but
// not on their form posts, fetches or frames.
const (
	SameSiteLax SameSite = iota
	SameSiteStrict
	SameSiteNone // requires Secure
)

// Cookie is one cookie to set on a response with [Response.WithCookie].
// Make one with [NewCookie] and refine it with the With methods, which
// return a copy.
type Cookie struct {
	name, value, path, domain string
	maxAge                    int // seconds: >0 Max-Age, <0 delete now, 0 none
	expires                   time.Time
	secure, scriptHidden      bool
	sameSite                  SameSite
}

// NewCookie returns a cookie with the defaults a server-set cookie should
// have: Path=/, HttpOnly (scripts cannot read it), SameSite=Lax, and no
// Max-Age or Expires (it lasts until the browser is closed). name must be
// an HTTP token and value printable ASCII without space, '"', ',', ';'
// or '\'; encode anything else (base64.RawURLEncoding).
func NewCookie(name, value string) Cookie {
	return Cookie{name: name, value: value, path: "/", scriptHidden: true, sameSite: SameSiteLax}
}

// WithPath returns c limited to URL paths under path.
func (c Cookie) WithPath(path string) Cookie { c.path = path; return c }

// WithDomain returns c for domain and its subdomains; by default a cookie
// is sent back to the host that set it only.
func (c Cookie) WithDomain(domain string) Cookie { c.domain = domain; return c }

// WithMaxAge returns c kept by the browser for d (whole seconds); d <= 0
// tells the browser to delete it now.
func (c Cookie) WithMaxAge(d time.Duration) Cookie {
	c.maxAge = int(d / time.Second)
	if c.maxAge <= 0 {
		c.maxAge = -1
	}
	return c
}

// WithExpires returns c kept until t (Max-Age, when set, wins in browsers).
func (c Cookie) WithExpires(t time.Time) Cookie { c.expires = t; return c }

// WithSecure returns c sent over HTTPS only (and, by browsers, to
// http://localhost). Set it for an app served over HTTPS.
func (c Cookie) WithSecure(secure bool) Cookie { c.secure = secure; return c }

// WithHTTPOnly returns c readable by the page's scripts (false) or not
// (true, the default).
func (c Cookie) WithHTTPOnly(httpOnly bool) Cookie { c.scriptHidden = httpOnly; return c }

// WithSameSite returns c with another SameSite attribute.
func (c Cookie) WithSameSite(s SameSite) Cookie { c.sameSite = s; return c }

// Name returns the cookie's name.
func (c Cookie) Name() string { return c.name }

// Value returns the cookie's value.
func (c Cookie) Value() string { return c.value }

// String returns the Set-Cookie header value, or "" if the name or value
// is not valid in a cookie.
func (c Cookie) String() string {
	if !isToken(c.name) || !validCookieValue(c.value) || strings.ContainsAny(c.path+c.domain, ";\r\n\x00") {
		return ""
	}
	var b strings.Builder
	b.WriteString(c.name)
	b.WriteByte('=')
	b.WriteString(c.value)
	if c.path != "" {
		b.WriteString("; Path=")
		b.WriteString(c.path)
	}
	if c.domain != "" {
		b.WriteString("; Domain=")
		b.WriteString(strings.TrimPrefix(c.domain, "."))
	}
	switch {
	case c.maxAge > 0:
		b.WriteString("; Max-Age=")
		b.WriteString(strconv.Itoa(c.maxAge))
	case c.maxAge < 0:
		b.WriteString("; Max-Age=0")
	}
	if !c.expires.IsZero() {
		b.WriteString("; Expires=")
		b.WriteString(c.expires.UTC().Format(time.RFC1123[:len(time.RFC1123)-3] + "GMT"))
	}
	if c.scriptHidden {
		b.WriteString("; HttpOnly")
	}
	if c.secure || c.sameSite == SameSiteNone {
		b.WriteString("; Secure")
	}
	switch c.sameSite {
	case SameSiteLax:
		b.WriteString("; SameSite=Lax")
	case SameSiteStrict:
		b.WriteString("; SameSite=Strict")
	case SameSiteNone:
		b.WriteString("; SameSite=None")
	}
	return b.String()
}

// WithCookie returns a copy of r that sets the cookie c (one Set-Cookie
// header per call, so a response may set several). A cookie whose name or
// value is not valid is not set, and the error is logged.
func (r Response) WithCookie(c Cookie) Response {
	s := c.String()
	if s == "" {
		Log(LevelError, "sandkit: WithCookie: cookie "+strconv.Quote(c.name)+" not set: its name, value, path or domain has characters a cookie cannot hold")
		return r
	}
	return r.WithHeader("Set-Cookie", s)
}

// WithoutCookie returns a copy of r that tells the browser to delete the
// cookie name (set with Path=/; for another path, use WithCookie with
// WithMaxAge(0) and that path).
func (r Response) WithoutCookie(name string) Response {
	return r.WithCookie(NewCookie(name, "").WithMaxAge(0))
}

// isToken reports whether s is an RFC 7230 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// validCookieValue reports whether s is made of RFC 6265 cookie-octets.
func validCookieValue(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\' {
			return false
		}
	}
	return true
}

// Cross-site request forgery: a state-changing request that a browser
// sends on behalf of another site is refused.

package auth

import (
	"errors"
	"net/url"
	"strings"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// ErrCrossSite is returned for a request with an unsafe method (POST, PUT,
// PATCH, DELETE…) that a browser made for another site. Its answer is 403.
var ErrCrossSite = errors.New("sandkit auth: cross-site request refused")

// CheckOrigin refuses (with [ErrCrossSite]) a request with a method other
// than GET, HEAD and OPTIONS that a browser sent from another origin:
//
//   - Sec-Fetch-Site (every current browser sends it) must be
//     "same-origin" or "none" (the user typed the URL or used a bookmark);
//     "same-site" (a sibling subdomain) and "cross-site" are refused;
//   - without it, an Origin header must name this request's host (the
//     Host header; the scheme is not compared: the guest does not know it
//     behind a proxy); "null" is refused;
//   - a request with neither header is allowed: browsers have sent one of
//     them on every cross-origin POST since 2020, so it comes from a
//     program (curl, a test) or a very old browser, and the session cookie
//     is SameSite=Lax, which browsers do not send on another site's POST.
//
// [Load] calls it for every unsafe request, so a handler that uses the
// session is protected. This is the rule of spec/abi.md §10.3, and the one
// Go's net/http CrossOriginProtection applies.
func CheckOrigin(r *sandkit.Request) error {
	return checkOrigin(r.Method(), r.Header("Sec-Fetch-Site"), r.Header("Origin"), r.Header("Host"))
}

func checkOrigin(method, site, origin, host string) error {
	switch method {
	case "GET", "HEAD", "OPTIONS":
		return nil
	}
	switch site {
	case "same-origin", "none":
		return nil
	case "":
	default:
		return ErrCrossSite
	}
	if origin == "" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || !strings.EqualFold(u.Host, host) {
		return ErrCrossSite
	}
	return nil
}

// Routing: which tenant a request is for — its Host header (a custom
// domain, or NAME.BASE_DOMAIN) or, in path-prefix mode, the first segment
// of its path, which is then removed.

package tenant

import (
	"net"
	"net/http"
	"strings"

	"sandkit.dev/sandkit/host/pageserve"
	"sandkit.dev/sandkit/host/registry"
)

// tenantOf names the tenant r is for; prefix is "/NAME" when it was found
// in the path, "" when by the Host header.
func (h *Host) tenantOf(r *http.Request) (name, prefix string, ok bool) {
	hostname := strings.ToLower(r.Host)
	if hp, _, err := net.SplitHostPort(hostname); err == nil {
		hostname = hp
	}
	hostname = strings.TrimSuffix(hostname, ".")
	if name, ok := h.domains[hostname]; ok {
		return name, "", true
	}
	if base := h.cfg.BaseDomain; base != "" && strings.HasSuffix(hostname, "."+base) {
		label := strings.TrimSuffix(hostname, "."+base)
		return label, "", registry.NameRE.MatchString(label)
	}
	if h.cfg.PathPrefix {
		seg, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		if registry.NameRE.MatchString(seg) {
			return seg, "/" + seg, true
		}
	}
	return "", "", false
}

// stripPrefix returns r as tenant sees it, prefix removed from its path
// and carried as its base path (pageserve.WithBase: its pages' documents,
// assets and client router use it), and w rewriting the Location of its
// redirects (and the X-Sandkit-Redirect of those answered to the client
// runtime) to carry prefix again.
func stripPrefix(w http.ResponseWriter, r *http.Request, prefix string) (http.ResponseWriter, *http.Request) {
	r2 := r.WithContext(pageserve.WithBase(r.Context(), prefix))
	u := *r.URL
	u.Path = strings.TrimPrefix(u.Path, prefix)
	if u.Path == "" {
		u.Path = "/"
	}
	if u.RawPath != "" {
		u.RawPath = strings.TrimPrefix(u.RawPath, prefix)
		if u.RawPath == "" {
			u.RawPath = "/"
		}
	}
	r2.URL = &u
	r2.RequestURI = u.RequestURI()
	return &prefixWriter{ResponseWriter: w, prefix: prefix}, r2
}

// prefixWriter puts the path prefix back on a redirect's Location that is
// a path on the same host ("/todos", not "//evil.example" or a URL).
type prefixWriter struct {
	http.ResponseWriter
	prefix string
	wrote  bool
}

func (p *prefixWriter) WriteHeader(status int) {
	if !p.wrote {
		p.wrote = true
		h := p.Header()
		for _, k := range []string{"Location", pageserve.RedirectHeader} {
			if loc := h.Get(k); strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//") && !strings.HasPrefix(loc, "/\\") {
				h.Set(k, p.prefix+loc)
			}
		}
	}
	p.ResponseWriter.WriteHeader(status)
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	if !p.wrote {
		p.WriteHeader(http.StatusOK)
	}
	return p.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the server's writer.
func (p *prefixWriter) Unwrap() http.ResponseWriter { return p.ResponseWriter }

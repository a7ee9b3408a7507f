package host

import (
	"net/http/httptest"
	"slices"
	"testing"

	"sandkit.dev/sandkit/abi"
)

// TestClientIPHeader: the guest sees the TCP peer's address as
// Sandkit-Client-Ip, in the sorted place, and never a value the client
// sent under that name.
func TestClientIPHeader(t *testing.T) {
	for _, c := range []struct{ remote, want string }{
		{"203.0.113.7:5555", "203.0.113.7"},
		{"[2001:db8::1]:443", "2001:db8::1"},
		{"[::ffff:10.0.0.1]:80", "10.0.0.1"},
		{"", ""},
	} {
		r := httptest.NewRequest("POST", "/login", nil)
		r.RemoteAddr = c.remote
		r.Header.Set("Sandkit-Client-Ip", "1.2.3.4") // forged
		r.Header.Set("Accept", "text/html")
		r.Header.Set("Zebra", "z")
		got := sortedHeaders(r)
		var ips []string
		var names []string
		for _, p := range got {
			names = append(names, p.Name)
			if p.Name == abi.HeaderClientIP {
				ips = append(ips, p.Value)
			}
		}
		if c.want == "" {
			if len(ips) != 0 {
				t.Errorf("remote %q: client ip headers %q, want none (the forged one dropped)", c.remote, ips)
			}
			continue
		}
		if !slices.Equal(ips, []string{c.want}) {
			t.Errorf("remote %q: client ip headers %q, want [%q]", c.remote, ips, c.want)
		}
		if names[0] != "Host" || !slices.IsSorted(names[1:]) {
			t.Errorf("remote %q: header order %q", c.remote, names)
		}
	}
}

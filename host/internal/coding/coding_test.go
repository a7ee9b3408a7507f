package coding

import (
	"net/http"
	"slices"
	"testing"
)

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct {
		header string
		have   []string
		want   string
	}{
		{"", []string{"br", "gzip"}, ""},
		{"gzip, deflate, br, zstd", []string{"br", "gzip"}, "br"}, // Chromium
		{"gzip, deflate, br", []string{"gzip"}, "gzip"},
		{"gzip, deflate, br", nil, ""},
		{"gzip", []string{"br", "gzip"}, "gzip"},
		{"br;q=0, gzip", []string{"br", "gzip"}, "gzip"},
		{"br;q=0.0, gzip;q=0.000", []string{"br", "gzip"}, ""},
		{"br;q=0.5, gzip;q=1", []string{"br", "gzip"}, "gzip"}, // the client's weight first
		{"br;q=0.5, gzip;q=0.5", []string{"br", "gzip"}, "br"}, // a tie: the server's order
		{"*", []string{"br", "gzip"}, "br"},
		{"*;q=0", []string{"br", "gzip"}, ""},
		{"*;q=0, gzip", []string{"br", "gzip"}, "gzip"},
		{"br;q=0, *", []string{"br", "gzip"}, "gzip"},
		{"identity", []string{"br", "gzip"}, ""},
		{"identity;q=0", []string{"br", "gzip"}, ""}, // nothing else taken: identity all the same
		{"identity;q=0, gzip", []string{"br", "gzip"}, "gzip"},
		{"br;q=0.5, identity", []string{"br", "gzip"}, ""}, // identity named with a higher weight
		{"br, identity;q=0.5", []string{"br", "gzip"}, "br"},
		{"BR, GZip", []string{"br", "gzip"}, "br"},
		{"x-gzip", []string{"br", "gzip"}, "gzip"},
		{" br ; q = 0.8 ,gzip;q=0.9", []string{"br", "gzip"}, "gzip"},
		{"br;q=2, gzip", []string{"br", "gzip"}, "gzip"},   // a bad weight: the entry is ignored
		{"br;q=1.5, gzip", []string{"br", "gzip"}, "gzip"}, // likewise
		{"br;q=0.1234", []string{"br", "gzip"}, ""},        // four decimals
		{"br;q=abc", []string{"br"}, ""},                   // not a number
		{"br;q=-0", []string{"br"}, ""},                    // not a qvalue
		{"br;q=1.000", []string{"br"}, "br"},
		{"br;q=0.001", []string{"br", "gzip"}, "br"},
		{"br;q=0, br", []string{"br"}, ""}, // the first entry for a coding counts
		{",,, ;q=1, br", []string{"br"}, "br"},
		{"compress, deflate", []string{"br", "gzip"}, ""},
	} {
		r, _ := http.NewRequest("GET", "/", nil)
		if tc.header != "" {
			r.Header.Set("Accept-Encoding", tc.header)
		}
		if got := Negotiate(r, tc.have...); got != tc.want {
			t.Errorf("Accept-Encoding %q, have %v: got %q, want %q", tc.header, tc.have, got, tc.want)
		}
	}
}

// TestNegotiateHeaderLines reads every Accept-Encoding line of a request.
func TestNegotiateHeaderLines(t *testing.T) {
	r, _ := http.NewRequest("GET", "/", nil)
	r.Header.Add("Accept-Encoding", "gzip;q=0.5")
	r.Header.Add("Accept-Encoding", "br")
	if got := Negotiate(r, "br", "gzip"); got != "br" {
		t.Errorf("two header lines: got %q, want br", got)
	}
}

// FuzzNegotiate: any header gives one of the codings offered, or identity.
func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"gzip, deflate, br", "br;q=0.5, *;q=0", "identity;q=0", "x-gzip;q=1.000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		r, _ := http.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Encoding", h)
		have := []string{"br", "gzip"}
		if got := Negotiate(r, have...); got != "" && !slices.Contains(have, got) {
			t.Fatalf("Accept-Encoding %q: %q, not offered", h, got)
		}
	})
}

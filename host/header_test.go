package host

import (
	"strings"
	"testing"
)

func TestValidHeader(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		ok          bool
	}{
		{"X-Ok", "plain value", true},
		{"X-Tab", "a\tb", true},
		{"X-Obs", "caf\xc3\xa9", true},
		{"", "v", false},
		{"Bad Name", "v", false},
		{"Bad:Name", "v", false},
		{"X-CRLF", "a\r\nSet-Cookie: x=y", false},
		{"X-NUL", "a\x00b", false},
		{"X-DEL", "a\x7fb", false},
		{strings.Repeat("n", 257), "v", false},
		{"X-Long", strings.Repeat("v", 8<<10+1), false},
	} {
		if got := validHeader(tc.name, tc.value); got != tc.ok {
			t.Errorf("validHeader(%.20q, %.20q) = %v, want %v", tc.name, tc.value, got, tc.ok)
		}
	}
}

// Tests of the request head's size limit (spec/abi.md §4, §7): heads within
// it reach the guest, heads past it are answered 431.

package host_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// doHeaders sends a GET with the given extra header lines and returns the
// status.
func doHeaders(t *testing.T, url string, lines int, value string) int {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range lines {
		req.Header.Add(fmt.Sprintf("X-H%d", i), value)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestRequestHeadLimit(t *testing.T) {
	// A 1 s deadline: the command case took 3.6 s of host time for 8000
	// headers before the fix (504), and must now be answered at once.
	dir := appDir(t, map[string]string{"r": "ok.wasm", "c": "cgi.wasm"}, "[limits]\nrequest_timeout = \"1s\"\n")
	_, srv := serveApp(t, dir)
	big := strings.Repeat("a", 250<<10)
	for _, tc := range []struct {
		name   string
		route  string
		lines  int
		value  string
		status int
	}{
		{"reactor, 250 KiB in one header", "/r", 1, big, 200},
		{"reactor, 200 KiB in 6000 headers", "/r", 6000, strings.Repeat("v", 20), 200},
		{"reactor, past 256 KiB", "/r", 1, big + strings.Repeat("a", 7<<10), 431},
		{"command, 250 KiB in one header", "/c", 1, big, 201},
		{"command, 250 headers", "/c", 250, "v", 201},
		{"command, 8000 headers", "/c", 8000, "v", 431},
		{"command, past 256 KiB", "/c", 1, big + strings.Repeat("a", 7<<10), 431},
	} {
		if got := doHeaders(t, srv.URL+tc.route, tc.lines, tc.value); got != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, got, tc.status)
		}
	}
}

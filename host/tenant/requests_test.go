package tenant

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// WithRequestObserver sees each request routed to a tenant, with its
// status and latency; requests no tenant serves are not reported.
func TestRequestObserver(t *testing.T) {
	dir := t.TempDir()
	writeArtifact(t, filepath.Join(dir, "one"), map[string]string{"": "ok_v1.wasm"}, "")
	var mu sync.Mutex
	var got []string
	h, _ := testHost(t, dir, Config{BaseDomain: "apps.test"}, nil, WithRequestObserver(func(app string, status int, took time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		if took <= 0 {
			t.Errorf("request of %s took %v", app, took)
		}
		got = append(got, fmt.Sprint(app, " ", status))
	}))
	get(h, "one.apps.test", "/?v=1")
	get(h, "one.apps.test", "/nope")
	get(h, "two.apps.test", "/")
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"one 200", "one 404"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("observed %q, want %q", got, want)
	}
}

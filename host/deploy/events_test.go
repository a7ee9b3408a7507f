package deploy_test

import (
	"fmt"
	"sync"
	"testing"

	"sandkit.dev/sandkit/host/deploy"
)

// WithOnDeploy reports each upload and activation with its outcome, as
// sandkit_deploys_total counts them, with the version and who made it.
func TestOnDeploy(t *testing.T) {
	var mu sync.Mutex
	var got []string
	a := newAdmin(t, deploy.WithMaxBundleBytes(64<<10), deploy.WithOnDeploy(func(e deploy.Event) {
		mu.Lock()
		defer mu.Unlock()
		if e.Time.IsZero() {
			t.Errorf("event %+v has no time", e)
		}
		got = append(got, fmt.Sprintf("%s %s %s %s", e.App, e.Version, e.Outcome, e.By))
	}))
	good := pack(t, cApp(t, nil))
	expect(t, "upload", a.call(t, "POST", "/v1/apps/shop/versions", opToken, good), 201)
	expect(t, "stored only", a.call(t, "POST", "/v1/apps/shop/versions?activate=false", opToken, good), 201)
	expect(t, "not a bundle", a.call(t, "POST", "/v1/apps/shop/versions", opToken, []byte("nope")), 400)
	expect(t, "too large", a.call(t, "POST", "/v1/apps/shop/versions", opToken, make([]byte, 65<<10)), 413)
	expect(t, "activate", a.call(t, "POST", "/v1/apps/shop/activate", opToken, []byte(`{"version":"v2"}`)), 200)
	want := []string{
		"shop v1 activated operator",
		"shop v2 stored operator",
		"shop  refused operator",
		"shop  too_large operator",
		"shop v2 activated operator",
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("events:\n%q\nwant\n%q", got, want)
	}
}

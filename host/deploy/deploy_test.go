package deploy_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"sandkit.dev/sandkit/host/deploy"
	"sandkit.dev/sandkit/host/registry"
)

// deployed decodes the answer of an upload or activation.
func deployed(t *testing.T, a answer) deploy.Deployed {
	t.Helper()
	var d deploy.Deployed
	if err := json.Unmarshal([]byte(a.body), &d); err != nil {
		t.Fatalf("%v: %s", err, a.body)
	}
	return d
}

// token makes a deploy token for app through the API.
func (a *admin) token(t *testing.T, app string) string {
	t.Helper()
	got := a.call(t, "POST", "/v1/apps/"+app+"/tokens", opToken, nil)
	expect(t, "a new token", got, http.StatusCreated, `"token":"`+app+`.`)
	var tok deploy.Token
	json.Unmarshal([]byte(got.body), &tok)
	return tok.Token
}

// active is app's active version as the registry lists it ("" if none).
func (a *admin) active(t *testing.T, app string) string {
	t.Helper()
	apps, err := a.reg.Apps(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range apps {
		if x.Name == app {
			return x.Active
		}
	}
	return ""
}

// versions is app's versions as "v1 v2*" (* the active one).
func (a *admin) versions(t *testing.T, app string) string {
	t.Helper()
	vs, err := a.reg.Versions(context.Background(), app)
	if err != nil {
		return err.Error()
	}
	var s []string
	for _, v := range vs {
		n := v.Name
		if v.Active {
			n += "*"
		}
		s = append(s, n)
	}
	return strings.Join(s, " ")
}

// A real app deployed with its deploy token is stored, activated, listed,
// logged with who deployed it, and the host is told.
func TestDeployHello(t *testing.T) {
	a := newAdmin(t)
	bundle := pack(t, hello(t))
	tok := a.token(t, "hello")

	got := a.call(t, "POST", "/v1/apps/hello/versions", tok, bundle)
	expect(t, "upload", got, http.StatusCreated, `"version":"v1"`, `"active":true`)
	d := deployed(t, got)
	if d.Size != int64(len(bundle)) || len(d.SHA256) != 64 || got.header.Get("Location") != "/v1/apps/hello/versions/v1" {
		t.Errorf("deployed %+v, Location %q", d, got.header.Get("Location"))
	}
	if a.active(t, "hello") != "v1" || !slices.Equal(a.activations(), []string{"hello"}) {
		t.Errorf("active %q, OnActivate calls %v", a.active(t, "hello"), a.activations())
	}
	if !regexp.MustCompile(`msg="deploy: version activated" app=hello version=v1 .*by=token:[0-9a-f]{12}`).MatchString(a.logs()) {
		t.Errorf("the deploy is not logged with its app, version and token id:\n%s", a.logs())
	}

	// Its versions, with its token; every app, with the operator's.
	expect(t, "versions", a.call(t, "GET", "/v1/apps/hello/versions", tok, nil), 200, `"versions":[{"version":"v1"`, `"active":true`)
	expect(t, "apps", a.call(t, "GET", "/v1/apps", opToken, nil), 200, `{"apps":[{"name":"hello","active":"v1"}]}`)

	// A second upload is v2, active; the operator's is logged as such.
	expect(t, "upload 2", a.call(t, "POST", "/v1/apps/hello/versions", opToken, bundle), 201, `"version":"v2"`, `"active":true`)
	if a.versions(t, "hello") != "v1 v2*" || !strings.Contains(a.logs(), "version=v2") || !regexp.MustCompile(`version=v2 .*by=operator`).MatchString(a.logs()) {
		t.Errorf("versions %q\n%s", a.versions(t, "hello"), a.logs())
	}
}

// No token, a wrong one, another app's, or an app's token where the
// operator's is needed: 401 or 403, and the registry's directory is
// exactly as it was.
func TestAuthRefusals(t *testing.T) {
	a := newAdmin(t)
	bundle := pack(t, cApp(t, nil))
	expect(t, "upload shop", a.call(t, "POST", "/v1/apps/shop/versions", opToken, bundle), 201)
	expect(t, "upload blog", a.call(t, "POST", "/v1/apps/blog/versions", opToken, bundle), 201)
	blogTok, shopTok := a.token(t, "blog"), a.token(t, "shop")
	_, blogSecret, _ := strings.Cut(blogTok, ".")

	type endpoint struct {
		method, path string
		body         []byte
		operatorOnly bool
	}
	endpoints := []endpoint{
		{"POST", "/v1/apps/shop/versions", bundle, false},
		{"POST", "/v1/apps/shop/versions?activate=false", bundle, false},
		{"GET", "/v1/apps/shop/versions", nil, false},
		{"POST", "/v1/apps/shop/activate", []byte(`{"version":"v1"}`), false},
		{"DELETE", "/v1/apps/shop/versions/v1", nil, true},
		{"DELETE", "/v1/apps/shop", nil, true},
		{"POST", "/v1/apps/shop/tokens", nil, true},
		{"GET", "/v1/apps", nil, true},
		{"GET", "/metrics", nil, true},
	}
	type caller struct {
		name, token string
		status      int // 0: 403 on an operator's endpoint, else admitted
	}
	callers := []caller{
		{"no token", "", 401},
		{"a wrong token", "not-a-token", 401},
		{"the operator token with a suffix", opToken + "x", 401},
		{"a wrong secret named for shop", "shop." + strings.Repeat("0", 64), 401},
		{"blog's token", blogTok, 403},
		{"blog's secret alone", blogSecret, 401},
		{"shop's token", shopTok, 0},
	}
	before := a.snapshot(t)
	for _, e := range endpoints {
		for _, c := range callers {
			want := c.status
			if want == 0 {
				if !e.operatorOnly {
					continue // admitted: it would change things
				}
				want = 403
			}
			what := fmt.Sprintf("%s %s with %s", e.method, e.path, c.name)
			got := a.call(t, e.method, e.path, c.token, e.body)
			expect(t, what, got, want, `{"error":{"status":`+fmt.Sprint(want)+`,"message":`)
			if want == 401 && !strings.HasPrefix(got.header.Get("WWW-Authenticate"), "Bearer ") {
				t.Errorf("%s: 401 without a WWW-Authenticate challenge", what)
			}
			if got.header.Get("Content-Type") != "application/json" {
				t.Errorf("%s: Content-Type %q", what, got.header.Get("Content-Type"))
			}
		}
	}
	if after := a.snapshot(t); after != before {
		t.Errorf("refused requests changed the registry:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if len(a.activations()) != 2 {
		t.Errorf("OnActivate called %v", a.activations())
	}
}

// rewrite repacks bundle with edit applied to each file's contents.
func rewrite(t *testing.T, bundle []byte, edit func(name string, b []byte) []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(bundle))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	tw := tar.NewWriter(zw)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		b = edit(hdr.Name, b)
		hdr.Size = int64(len(b))
		tw.WriteHeader(hdr)
		tw.Write(b)
	}
	tw.Close()
	zw.Close()
	return out.Bytes()
}

// A corrupt or oversized bundle is refused and nothing is stored: the
// live version keeps serving.
func TestBadBundles(t *testing.T) {
	const max = 64 << 10
	a := newAdmin(t, deploy.WithMaxBundleBytes(max))
	good := pack(t, cApp(t, nil))
	if len(good) > max {
		t.Fatalf("the good bundle is %d bytes, more than the test's max %d", len(good), max)
	}
	expect(t, "the live version", a.call(t, "POST", "/v1/apps/shop/versions", opToken, good), 201)
	tampered := rewrite(t, good, func(name string, b []byte) []byte {
		if strings.HasSuffix(name, "handler.wasm") {
			b = append([]byte(nil), b...)
			b[len(b)-1] ^= 1 // same size, another hash
		}
		return b
	})
	if bytes.Equal(tampered, good) {
		t.Fatal("the bundle has no handler.wasm to tamper with")
	}
	huge := make([]byte, max+1)
	copy(huge, good)
	// A bundle small compressed that holds far more than max uncompressed.
	bomb := rewrite(t, good, func(name string, b []byte) []byte {
		if strings.HasSuffix(name, "handler.wasm") {
			return make([]byte, 64*max)
		}
		return b
	})

	before := a.snapshot(t)
	for _, c := range []struct {
		what   string
		body   []byte
		status int
		want   string
	}{
		{"not gzip", []byte("this is not a bundle"), 400, "gzip"},
		{"truncated", good[:len(good)/2], 400, "bundle refused"},
		{"a file's hash changed", tampered, 400, "handler.wasm"},
		{"larger than max_bundle_bytes", huge, 413, "max_bundle_bytes"},
		{"unpacks to more than allowed", bomb, 413, "bytes"},
	} {
		expect(t, c.what, a.call(t, "POST", "/v1/apps/shop/versions", opToken, c.body), c.status, c.want)
	}
	// Oversized without a Content-Length: the body is cut at max.
	req, _ := http.NewRequest("POST", a.url+"/v1/apps/shop/versions", io.MultiReader(bytes.NewReader(huge)))
	req.Header.Set("Authorization", "Bearer "+opToken)
	req.ContentLength = -1
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	expect(t, "oversized, chunked", answer{resp.StatusCode, resp.Header, string(b)}, 413, "max_bundle_bytes")

	if after := a.snapshot(t); after != before {
		t.Errorf("refused bundles changed the registry:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if a.versions(t, "shop") != "v1*" {
		t.Errorf("versions %q", a.versions(t, "shop"))
	}
	expect(t, "bad activate flag", a.call(t, "POST", "/v1/apps/shop/versions?activate=maybe", opToken, good), 400, "activate")
}

// A failing migration aborts the activation: the previous version stays
// active, the new one is stored and listed, not active; the migrations
// before it stay applied.
func TestFailingMigration(t *testing.T) {
	a := newAdmin(t)
	v1 := cApp(t, map[string]string{
		"migrations/0001_notes.up.sql": "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n",
	})
	v2 := cApp(t, map[string]string{
		"migrations/0001_notes.up.sql": "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n",
		"migrations/0002_tags.up.sql":  "CREATE TABLE tags (id INTEGER PRIMARY KEY);\n",
		"migrations/0003_bad.up.sql":   "ALTER TABLE no_such_table ADD COLUMN x TEXT;\n",
	})
	tok := a.token(t, "notes")
	got := a.call(t, "POST", "/v1/apps/notes/versions", tok, pack(t, v1))
	expect(t, "v1", got, 201, `"migrations":["0001_notes"]`)

	got = a.call(t, "POST", "/v1/apps/notes/versions", tok, pack(t, v2))
	expect(t, "v2", got, http.StatusUnprocessableEntity, "0003_bad", "no_such_table", "v2")
	if a.versions(t, "notes") != "v1* v2" || a.active(t, "notes") != "v1" {
		t.Errorf("after a failed migration: versions %q, active %q", a.versions(t, "notes"), a.active(t, "notes"))
	}
	if !slices.Equal(a.activations(), []string{"notes"}) {
		t.Errorf("OnActivate calls %v", a.activations())
	}
	if !strings.Contains(a.logs(), "migration failed") {
		t.Errorf("the failed migration is not logged:\n%s", a.logs())
	}
	expect(t, "metrics", a.call(t, "GET", "/metrics", opToken, nil), 200,
		`sandkit_deploys_total{outcome="migration_failed"} 1`, `sandkit_deploys_total{outcome="activated"} 1`)
	// Activating v2 later fails the same way.
	expect(t, "activate v2", a.call(t, "POST", "/v1/apps/notes/activate", tok, []byte(`{"version":"v2"}`)), 422, "0003_bad")
	if a.active(t, "notes") != "v1" {
		t.Errorf("active %q", a.active(t, "notes"))
	}
	// A fixed v3 applies what v2 failed to: 0002_tags ran in its own
	// transaction before 0003 failed, so only 0003 is left.
	v3 := cApp(t, map[string]string{
		"migrations/0001_notes.up.sql": "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n",
		"migrations/0002_tags.up.sql":  "CREATE TABLE tags (id INTEGER PRIMARY KEY);\n",
		"migrations/0003_bad.up.sql":   "ALTER TABLE notes ADD COLUMN x TEXT;\n",
	})
	expect(t, "v3", a.call(t, "POST", "/v1/apps/notes/versions", tok, pack(t, v3)), 201, `"version":"v3"`, `"migrations":["0003_bad"]`)
}

// Rollback activates an older version; a version uploaded with
// ?activate=false is stored only, and activated later.
func TestRollback(t *testing.T) {
	a := newAdmin(t)
	bundle := pack(t, cApp(t, nil))
	tok := a.token(t, "shop")
	for _, v := range []string{"v1", "v2"} {
		expect(t, "upload "+v, a.call(t, "POST", "/v1/apps/shop/versions", tok, bundle), 201, `"version":"`+v+`"`)
	}
	expect(t, "roll back", a.call(t, "POST", "/v1/apps/shop/activate", tok, []byte(`{"version":"v1"}`)), 200, `"version":"v1"`, `"active":true`)
	if a.versions(t, "shop") != "v1* v2" {
		t.Errorf("after rollback: %q", a.versions(t, "shop"))
	}
	expect(t, "stored only", a.call(t, "POST", "/v1/apps/shop/versions?activate=false", tok, bundle), 201, `"version":"v3"`, `"active":false`)
	if a.versions(t, "shop") != "v1* v2 v3" {
		t.Errorf("after an upload with activate=false: %q", a.versions(t, "shop"))
	}
	expect(t, "activate v3", a.call(t, "POST", "/v1/apps/shop/activate", tok, []byte(`{"version":"v3"}`)), 200, `"version":"v3"`)
	if got := a.activations(); !slices.Equal(got, []string{"shop", "shop", "shop", "shop"}) {
		t.Errorf("OnActivate calls %v", got)
	}
	expect(t, "unknown version", a.call(t, "POST", "/v1/apps/shop/activate", tok, []byte(`{"version":"v9"}`)), 404, "v9")
	expect(t, "bad body", a.call(t, "POST", "/v1/apps/shop/activate", tok, []byte(`{"versio":"v1"}`)), 400, "the version to activate")
	expect(t, "unknown app", a.call(t, "POST", "/v1/apps/nope/activate", opToken, []byte(`{"version":"v1"}`)), 404)
	if a.versions(t, "shop") != "v1 v2 v3*" {
		t.Errorf("at the end: %q", a.versions(t, "shop"))
	}
}

// Deleting: not the active version (409), another one, then the app with
// its data.
func TestDelete(t *testing.T) {
	a := newAdmin(t)
	bundle := pack(t, cApp(t, map[string]string{"migrations/0001_t.up.sql": "CREATE TABLE t (x);\n"}))
	for range 2 {
		expect(t, "upload", a.call(t, "POST", "/v1/apps/shop/versions", opToken, bundle), 201)
	}
	expect(t, "delete the active version", a.call(t, "DELETE", "/v1/apps/shop/versions/v2", opToken, nil), 409, "active")
	expect(t, "delete v1", a.call(t, "DELETE", "/v1/apps/shop/versions/v1", opToken, nil), 204)
	expect(t, "delete v1 again", a.call(t, "DELETE", "/v1/apps/shop/versions/v1", opToken, nil), 404)
	if a.versions(t, "shop") != "v2*" {
		t.Errorf("after deleting v1: %q", a.versions(t, "shop"))
	}
	data := a.reg.DataDir("shop")
	expect(t, "delete the app", a.call(t, "DELETE", "/v1/apps/shop", opToken, nil), 204)
	expect(t, "its versions", a.call(t, "GET", "/v1/apps/shop/versions", opToken, nil), 404)
	expect(t, "apps", a.call(t, "GET", "/v1/apps", opToken, nil), 200, `{"apps":[]}`)
	if s := a.snapshot(t); strings.Contains(s, "shop") {
		t.Errorf("the app's files are left (data %s):\n%s", data, s)
	}
}

// Unknown paths and methods, and names that are not app names, are
// answered in the JSON error shape.
func TestRoutes(t *testing.T) {
	a := newAdmin(t)
	expect(t, "unknown path", a.call(t, "GET", "/v2/nope", opToken, nil), 404, `"status":404`)
	expect(t, "bad name", a.call(t, "GET", "/v1/apps/Not_A_Name/versions", opToken, nil), 404, `"status":404`)
	expect(t, "wrong method", a.call(t, "PUT", "/v1/apps/shop/versions", opToken, nil), 405, `"status":405`)
	if got := a.call(t, "POST", "/v1/apps/"+strings.Repeat("a", 64)+"/versions", opToken, nil); got.status != 404 {
		t.Errorf("a 64-letter name: %d", got.status)
	}
}

// An upload and activation of examples/hello (a 0.9 MB bundle) over
// loopback: what a deploy costs the host besides the build.
func BenchmarkUpload(b *testing.B) {
	bundle := pack(b, hello(b))
	reg, err := registry.OpenDir(b.TempDir(), registry.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(deploy.New(reg, deploy.WithOperatorToken(opToken), deploy.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))))
	defer srv.Close()
	client, _ := deploy.NewClient(srv.URL, opToken)
	b.SetBytes(int64(len(bundle)))
	for b.Loop() {
		if _, err := client.Upload(context.Background(), "hello", bytes.NewReader(bundle), int64(len(bundle)), true); err != nil {
			b.Fatal(err)
		}
	}
}

// Uploads of one app at once are stored as distinct versions and run one
// at a time, so the version active at the end is the newest one.
func TestConcurrentUploads(t *testing.T) {
	a := newAdmin(t)
	bundle := pack(t, cApp(t, map[string]string{"migrations/0001_t.up.sql": "CREATE TABLE t (x);\n"}))
	const n = 6
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			client, _ := deploy.NewClient(a.url, opToken)
			if _, err := client.Upload(context.Background(), "shop", bytes.NewReader(bundle), int64(len(bundle)), true); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := a.versions(t, "shop"); got != "v1 v2 v3 v4 v5 v6*" || len(a.activations()) != n {
		t.Errorf("versions %q, OnActivate calls %d", got, len(a.activations()))
	}
}

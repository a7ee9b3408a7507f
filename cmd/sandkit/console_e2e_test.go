package main

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"sandkit.dev/sandkit/host/console"
	"sandkit.dev/sandkit/host/registry"
)

// The operator console through sandkit serve --apps --admin-addr: a plain
// artifact (alpha) and a deployed app with two versions (beta), requests
// to both, then the console over HTTP and in Chromium: log in, both
// tenants listed, a chart with points, beta rolled back from its page.
func TestE2EConsole(t *testing.T) {
	const token = "console-e2e-operator-token"
	v1 := buildArtifact(t, filepath.Join(repoRoot(t), "examples", "hello-c"))
	src := filepath.Join(t.TempDir(), "hello-c")
	if err := os.CopyFS(src, os.DirFS(filepath.Join(repoRoot(t), "examples", "hello-c"))); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(src, "public"), 0o755)
	os.WriteFile(filepath.Join(src, "public", "v2.txt"), []byte("v2\n"), 0o644)
	v2 := buildArtifact(t, src)

	apps := t.TempDir()
	copyArtifact(t, v1, filepath.Join(apps, "alpha"))
	env := append(os.Environ(), "SANDKIT_ADMIN_TOKEN="+token)
	// A free port for the admin listener (it is printed, but the test
	// helpers read only the tenants' URL).
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	adminAddr := ln.Addr().String()
	ln.Close()
	s := startServeEnv(t, env, "--apps", apps, "--path-prefix", "--admin-addr", adminAddr)
	admin := "http://" + adminAddr
	call := func(method, path string, body []byte) reply {
		t.Helper()
		req, _ := http.NewRequest(method, admin+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if body != nil {
			req.Header.Set("Content-Type", "application/gzip")
		}
		return do(t, req)
	}
	for _, a := range []string{v1, v2} {
		var b bytes.Buffer
		if err := registry.Pack(a, &b); err != nil {
			t.Fatal(err)
		}
		if r := call("POST", "/v1/apps/beta/versions", b.Bytes()); r.status != 201 {
			t.Fatalf("deploying beta: %d %s", r.status, r.body)
		}
	}
	for i := 0; i < 5; i++ {
		for _, app := range []string{"alpha", "beta"} {
			if r := request(t, "GET", s.url+"/"+app+"/c", "", ""); r.status != 200 {
				t.Fatalf("GET /%s/c: %d %s", app, r.status, r.body)
			}
		}
	}

	// Over HTTP: no cookie is the login form, a wrong token refused.
	if r := request(t, "GET", admin+"/", "", ""); r.status != 401 || !strings.Contains(r.body, `name="token"`) {
		t.Fatalf("GET / (redirected to /console) without a cookie: %d\n%s", r.status, r.body)
	}
	req, _ := http.NewRequest("POST", admin+"/console/login", strings.NewReader("token=wrong"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", admin)
	if r := do(t, req); r.status != 401 || r.header.Get("Set-Cookie") != "" {
		t.Fatalf("a wrong token: %d %v", r.status, r.header)
	}

	// The history samples every 10 s: wait for beta's requests to show.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var sr console.Series
		r := call("GET", "/v1/console/tenants/beta/series", nil)
		if r.status != 200 {
			t.Fatalf("series: %d %s", r.status, r.body)
		}
		json.Unmarshal([]byte(r.body), &sr)
		if len(sr.Points) > 0 && sr.Points[len(sr.Points)-1].Requests > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no sample with beta's requests after 2 minutes: %s", r.body)
		}
		time.Sleep(500 * time.Millisecond) // polling the sampler's clock
	}

	t.Setenv("SANDKIT_CONSOLE_TOKEN", token)
	res := runBrowser(t, "console", admin)
	for _, m := range res.Console {
		if (m.Type == "error" || m.Type == "warning" || m.Type == "pageerror") && !regexp.MustCompile(`status of (401|404)`).MatchString(m.Text) {
			t.Errorf("console %s on %s: %s", m.Type, m.URL, m.Text)
		}
	}
	r := call("GET", "/v1/apps/beta/versions", nil)
	var vl struct {
		Versions []registry.Version `json:"versions"`
	}
	json.Unmarshal([]byte(r.body), &vl)
	for _, v := range vl.Versions {
		if v.Active && v.Name != "v1" {
			t.Fatalf("after the rollback in the browser beta's active version is %s\n%s", v.Name, r.body)
		}
	}
}

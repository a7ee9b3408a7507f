package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// copyDevApp copies testdata/devapp to a temporary folder outside the
// repository, its go.mod pointing at this checkout.
func copyDevApp(t *testing.T) string {
	t.Helper()
	app := filepath.Join(t.TempDir(), "devapp")
	if err := os.CopyFS(app, os.DirFS(filepath.Join("testdata", "devapp"))); err != nil {
		t.Fatal(err)
	}
	gomod := filepath.Join(app, "go.mod")
	b, err := os.ReadFile(gomod)
	if err != nil {
		t.Fatal(err)
	}
	b = regexp.MustCompile(`(?m)^replace sandkit.dev/sandkit => .*$`).ReplaceAll(b, []byte("replace sandkit.dev/sandkit => "+repoRoot(t)))
	if err := os.WriteFile(gomod, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return app
}

// The development loop as a user lives it, through the CLI binary and
// Chromium: sandkit dev on a free port; a page edit and a Go handler edit
// show in the open page without a manual reload; a type error shows an
// overlay naming the file and line while the old page serves, and the fix
// goes live; an edit to a Go package outside routes/ is served; a new
// migration is applied; a Go build error shows its overlay. The scenario
// (testdata/browser/dev.mjs) waits on the page, never on a clock.
func TestE2EDevLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test; runs without -short")
	}
	app := copyDevApp(t)
	s := startCommand(t, "dev", "--tools-dir", t.TempDir(), app)
	r := request(t, "GET", s.url+"/", "", "")
	if r.status != 200 || !strings.Contains(r.body, `<h1 id="title">page v1</h1>`) {
		t.Fatalf("GET / before any edit: %d\n%s", r.status, r.body)
	}
	t.Setenv("SANDKIT_DEV_APP", app)
	runBrowser(t, "dev", s.url)
	logs := s.logs()
	for _, want := range []string{"TS2551: Property 'mesage' does not exist", "migrations applied", "routes/handler.go:"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the terminal never showed %q", want)
		}
	}
	out := filepath.Join(repoRoot(t), ".sandkit", "screenshots", strings.ReplaceAll(t.Name(), "/", "_"), "timings.json")
	if b, err := os.ReadFile(out); err == nil {
		var timings map[string]int
		json.Unmarshal(b, &timings)
		t.Logf("save -> page updated (ms): %v", timings)
	}
	if t.Failed() {
		t.Logf("sandkit dev's log:\n%s", logs)
	}
}

// Without the browser: the dev script is in every document, a JSON
// request is left alone, and the event stream answers the state at once.
func TestE2EDevDocument(t *testing.T) {
	app := copyDevApp(t)
	s := startCommand(t, "dev", "--no-typecheck", app)
	r := requestAccept(t, s.url+"/", "text/html")
	if !strings.Contains(r.body, `<script src="/_sandkit/dev/client.js" data-build="`) {
		t.Errorf("the document has no dev script:\n%s", r.body)
	}
	j := requestAccept(t, s.url+"/", "application/json")
	if strings.Contains(j.body, "_sandkit/dev") || !strings.Contains(j.body, `"message":"handler v1"`) {
		t.Errorf("the JSON of / was changed: %s", j.body)
	}
	c := requestAccept(t, s.url+"/_sandkit/dev/client.js", "*/*")
	if c.status != 200 || !strings.Contains(c.body, "EventSource") {
		t.Errorf("client.js: %d %s", c.status, c.body)
	}
	resp, err := http.Get(s.url + "/_sandkit/dev/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	var lines []string
	for sc.Scan() && sc.Text() != "" {
		lines = append(lines, sc.Text())
	}
	if len(lines) != 2 || lines[0] != "event: state" || !strings.Contains(lines[1], `"problems":[]`) {
		t.Errorf("first event: %q", lines)
	}
}

func requestAccept(t *testing.T, url, accept string) reply {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", accept)
	return do(t, req)
}

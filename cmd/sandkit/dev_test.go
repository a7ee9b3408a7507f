package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"sandkit.dev/sandkit/internal/npmfixture"
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

// newDevApp is the app a new user has: sandkit new's (its go.mod, the SDK
// it carries, its npm packages), with routes/, store/, migrations/,
// public/ and sandkit.toml of testdata/devapp in place of the template's.
func newDevApp(t *testing.T) string {
	t.Helper()
	if err := npmfixture.Install(filepath.Join("testdata", "newapp")); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	runIn(t, work, sandkitBin, "new", "--offline", "devapp")
	app := filepath.Join(work, "devapp")
	for _, rel := range []string{"routes", "migrations", "sandkit.toml"} {
		if err := os.RemoveAll(filepath.Join(app, rel)); err != nil {
			t.Fatal(err)
		}
	}
	src := filepath.Join("testdata", "devapp")
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		switch rel {
		case "node_modules", "go.mod", "package.json", "package-lock.json", "README.md", ".gitignore":
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(app, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		// The fixture's module is example.com/devapp; a new app's is its name.
		b = []byte(strings.ReplaceAll(string(b), `"example.com/devapp/`, `"devapp/`))
		return os.WriteFile(filepath.Join(app, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// The development loop as a user lives it, through the CLI binary and
// Chromium, on an app sandkit new made: sandkit dev on a free port; a page edit and a Go handler edit
// show in the open page without a manual reload; a type error shows an
// overlay naming the file and line while the old page serves, and the fix
// goes live; an edit to a Go package outside routes/ is served; a new
// migration is applied; a Go build error shows its overlay. The scenario
// (testdata/browser/dev.mjs) waits on the page, never on a clock.
func TestE2EDevLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test; runs without -short")
	}
	app := newDevApp(t)
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
	// The stream ends (and next fails) if an expected event has not come in
	// two minutes.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", s.url+"/_sandkit/dev/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	// next reads one event and returns its state.
	next := func() devState {
		t.Helper()
		var lines []string
		for sc.Scan() && sc.Text() != "" {
			lines = append(lines, sc.Text())
		}
		var st devState
		if len(lines) != 2 || lines[0] != "event: state" || json.Unmarshal([]byte(strings.TrimPrefix(lines[1], "data: ")), &st) != nil {
			t.Fatalf("event: %q", lines)
		}
		return st
	}
	first := next()
	if len(first.Problems) != 0 || first.Build == "" {
		t.Errorf("first state: %+v", first)
	}

	// A new public file: served, and open pages are told to reload.
	if err := os.WriteFile(filepath.Join(app, "public", "new.txt"), []byte("new file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// (A slow machine can see the write as two changes: events are read
	// until the one expected.)
	for st := next(); st.Build == first.Build; st = next() {
	}
	if r := request(t, "GET", s.url+"/new.txt", "", ""); r.status != 200 || r.body != "new file\n" {
		t.Errorf("GET /new.txt: %d %q", r.status, r.body)
	}
	// sandkit.toml: the settings are read again (the app's new name shows
	// in its log lines); a bad setting is an error, and the app keeps
	// serving.
	if err := os.WriteFile(filepath.Join(app, "sandkit.toml"), []byte("name = \"renamed\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.until(t, "the renamed app", func() bool { return strings.Contains(s.logs(), "app=renamed") })
	if err := os.WriteFile(filepath.Join(app, "sandkit.toml"), []byte("name = \"renamed\"\nbogus = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	st := next()
	for len(st.Problems) == 0 {
		st = next()
	}
	if len(st.Problems) != 1 || !strings.Contains(st.Problems[0].Message, "sandkit.toml:2") {
		t.Errorf("after a bad setting: %+v", st)
	}
	if r := requestAccept(t, s.url+"/", "application/json"); r.status != 200 || !strings.Contains(r.body, "handler v1") {
		t.Errorf("GET / with a bad sandkit.toml: %d %s", r.status, r.body)
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

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"sandkit.dev/sandkit/internal/npmfixture"
)

// Browser tests drive Debian's Chromium with playwright-core (installed by
// scripts/install-deps.sh, which installs testdata/browser). Screenshots stay
// in .sandkit/screenshots/TEST under the repository root for a person to
// look at.

var browserDeps struct {
	once sync.Once
	err  error
}

// browserResult is what testdata/browser/run.mjs prints.
type browserResult struct {
	Failures []string `json:"failures"`
	Console  []struct {
		Type string `json:"type"`
		Text string `json:"text"`
		URL  string `json:"url"`
	} `json:"console"`
}

// runBrowser runs testdata/browser/SCENARIO.mjs against base and fails t
// for each failure the scenario recorded. It returns the console messages.
func runBrowser(t *testing.T, scenario, base string) browserResult {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test; runs without -short")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("Chromium not found at %s: run scripts/install-deps.sh (or set CHROMIUM)", chromium)
	}
	dir := filepath.Join("testdata", "browser")
	browserDeps.once.Do(func() {
		browserDeps.err = npmfixture.Install(dir)
	})
	if browserDeps.err != nil {
		t.Fatal(browserDeps.err)
	}
	out := filepath.Join(repoRoot(t), ".sandkit", "screenshots", strings.ReplaceAll(t.Name(), "/", "_"))
	os.RemoveAll(out)
	cmd := exec.Command("node", "run.mjs", scenario+".mjs", base, out)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	stdout, err := cmd.Output()
	var res browserResult
	lines := strings.Split(strings.TrimSpace(string(stdout)), "\n")
	if jerr := json.Unmarshal([]byte(lines[len(lines)-1]), &res); jerr != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("browser scenario %s: %v\nstdout: %s\nstderr: %s", scenario, err, stdout, stderr)
	}
	for _, f := range res.Failures {
		t.Errorf("%s: %s", scenario, f)
	}
	t.Logf("screenshots: %s", out)
	return res
}

func TestE2EBrowserSmoke(t *testing.T) {
	s := startServe(t, copyExample(t, "hello"))
	res := runBrowser(t, "hello", s.url)
	for _, m := range res.Console {
		if m.Type == "error" || m.Type == "pageerror" {
			t.Errorf("console %s on %s: %s", m.Type, m.URL, m.Text)
		}
	}
}

// examples/todo in Chromium through sandkit serve: server-rendered HTML
// before any JavaScript, hydration without mismatch, client navigation that
// fetches only JSON, forms with and without JavaScript, error and 404 pages.
func TestE2EBrowserTodo(t *testing.T) {
	s := startServe(t, copyExample(t, "todo"))
	if r := request(t, "POST", s.url+"/api/todos", "application/json", `{"title":"seeded"}`); r.status != 201 {
		t.Fatalf("seeding: %d %s", r.status, r.body)
	}
	// The document carries the rendered list before any script runs.
	r := request(t, "GET", s.url+"/todos", "", "")
	if r.status != 200 || !strings.Contains(r.body, `<a href="/todos/1" data-discover="true">seeded</a>`) {
		t.Errorf("server HTML of /todos: %d\n%s", r.status, r.body)
	}
	res := runBrowser(t, "todo", s.url)
	// Pages answered with an error status on purpose make Chromium log
	// "Failed to load resource"; anything else on the console is a defect
	// (React reports hydration mismatches there).
	expected := regexp.MustCompile(`^Failed to load resource: the server responded with a status of (404|409|422|500)`)
	for _, m := range res.Console {
		if (m.Type == "error" || m.Type == "warning" || m.Type == "pageerror") && !expected.MatchString(m.Text) {
			t.Errorf("console %s on %s: %s", m.Type, m.URL, m.Text)
		}
	}
}

// examples/auth in Chromium: its forms without JavaScript, with the
// headers a real browser sends, and with it, without a reload: a link to
// the login-required page redirects to log in, the layout's nav and flash
// follow the session, another site's posts are refused. Nothing on the
// console but the statuses the scenario asks for.
func TestE2EBrowserAuth(t *testing.T) {
	s := startServeEnv(t, append(os.Environ(), "SANDKIT_SECRET_KEY="+testSecretKey), copyExample(t, "auth"))
	res := runBrowser(t, "auth", s.url)
	expected := regexp.MustCompile(`^Failed to load resource: the server responded with a status of (403|404|422)`)
	for _, m := range res.Console {
		if (m.Type == "error" || m.Type == "warning" || m.Type == "pageerror") && !expected.MatchString(m.Text) {
			t.Errorf("console %s on %s: %s", m.Type, m.URL, m.Text)
		}
	}
}

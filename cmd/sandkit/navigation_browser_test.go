package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// copyTestApp copies testdata/NAME to a temporary folder, its go.mod
// pointing at this checkout.
func copyTestApp(t *testing.T, name string) string {
	t.Helper()
	app := filepath.Join(t.TempDir(), name)
	if err := os.CopyFS(app, os.DirFS(filepath.Join("testdata", name))); err != nil {
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

// testdata/navapp in Chromium through sandkit serve (spec/pages.md,
// "Redirects", "Layout data", "Forms to other routes", "Fetchers"): a
// link to a page whose loader redirects, a layout loader's data in the nav
// of a page, the 404 page and an error page, updated after forms; a form
// posted to another route, a fetcher and field errors from a 422, with and
// without JavaScript.
func TestE2EBrowserNavigation(t *testing.T) {
	s := startServe(t, copyTestApp(t, "navapp"))
	res := runBrowser(t, "navigation", s.url)
	// Answers with an error status on purpose make Chromium log "Failed to
	// load resource"; anything else on the console is a defect.
	expected := regexp.MustCompile(`^Failed to load resource: the server responded with a status of (404|422|500|503)`)
	for _, m := range res.Console {
		if (m.Type == "error" || m.Type == "warning" || m.Type == "pageerror") && !expected.MatchString(m.Text) {
			t.Errorf("console %s on %s: %s", m.Type, m.URL, m.Text)
		}
	}
}

package main

import (
	"regexp"
	"testing"
)

// examples/conduit's pages in Chromium through sandkit serve: the
// RealWorld flow (sign up, write, read, favorite, comment, follow, the
// feed, sign out) with JavaScript and without, a Markdown body that tries
// to run a script, and no errors on the console.
func TestE2EBrowserConduit(t *testing.T) {
	s := startServeEnv(t, conduitEnv("SANDKIT_SECRET_KEY="+testSecretKey), copyExample(t, "conduit"))
	res := runBrowser(t, "conduit", s.url)
	// The refused sign-up answers 422 on purpose; anything else on the
	// console (a hydration mismatch, a script error) is a defect.
	expected := regexp.MustCompile(`^Failed to load resource: the server responded with a status of (404|422)`)
	for _, m := range res.Console {
		if (m.Type == "error" || m.Type == "warning" || m.Type == "pageerror") && !expected.MatchString(m.Text) {
			t.Errorf("console %s on %s: %s", m.Type, m.URL, m.Text)
		}
	}
}

// Every folder spelling is a package folder Go's tools accept.

package routing

import (
	"testing"

	"golang.org/x/mod/module"
)

// TestSpellingsAreGoPackages checks what spec/routing.md §2 promises: each
// kind of folder, as Scan spells it, passes the import path rules of
// golang.org/x/mod/module and the go command's rule for a package folder's
// name, and is not skipped by ./... (no leading . or _). The go command
// itself runs on such folders in cmd/sandkit's TestNewThenServe.
func TestSpellingsAreGoPackages(t *testing.T) {
	for _, name := range []string{"about", "id.param", "post_id.param", "rest.all", "marketing.group", "v2"} {
		seg, err := parseSegment(name)
		if err != nil {
			t.Fatalf("parseSegment(%q): %v", name, err)
		}
		if seg.String() != name {
			t.Errorf("%q spells back as %q", name, seg)
		}
		if err := module.CheckImportPath("example.com/app/routes/" + name + "/x"); err != nil {
			t.Errorf("%q: %v", name, err)
		}
		if err := goPackagePath("a/" + name); err != nil {
			t.Errorf("%q: %v", name, err)
		}
		if unrouted(name) {
			t.Errorf("%q would be skipped by ./...", name)
		}
	}
	for _, name := range []string{"[id]", "(g)", "~id", "-id", "a b"} {
		if goPackagePath(name) == nil {
			t.Errorf("goPackagePath(%q) accepted a folder Go refuses", name)
		}
	}
}

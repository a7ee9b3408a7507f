// The folders the upload check leaves to browsers are the ones the host
// serves that way.

package registry

import (
	"slices"
	"testing"

	"sandkit.dev/sandkit/host/pageserve"
)

func TestBrowserTreesAreTheHosts(t *testing.T) {
	if !slices.Contains(browserTrees, pageserve.Client+"/") {
		t.Errorf("browserTrees %q lacks the pages' client folder %q", browserTrees, pageserve.Client+"/")
	}
}

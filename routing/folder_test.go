package routing

import "testing"

// The folder names tools write are the ones Scan reads.
func TestFolderSpelling(t *testing.T) {
	table := mustScan(t, "posts/"+ParamFolder("id")+"/page.tsx", "docs/"+CatchAllFolder("path")+"/page.tsx")
	var got []string
	for _, rt := range table.Routes() {
		got = append(got, rt.Pattern())
	}
	if want := []string{"/docs/{path:.*}", "/posts/{id}"}; !equalAny(got, want) {
		t.Errorf("patterns %q, want %q", got, want)
	}
}

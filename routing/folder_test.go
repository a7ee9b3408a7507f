package routing

import "testing"

// The folder names tools write are the ones Scan reads.
func TestFolderSpelling(t *testing.T) {
	table := mustScan(t, "posts/"+ParamFolder("id")+"/page.tsx", "docs/"+CatchAllFolder("path")+"/page.tsx", GroupFolder("site")+"/about/page.tsx")
	var got []string
	for _, rt := range table.Routes() {
		got = append(got, rt.Pattern())
	}
	if want := []string{"/about", "/docs/{path:.*}", "/posts/{id}"}; !equalAny(got, want) {
		t.Errorf("patterns %q, want %q", got, want)
	}
}

func TestParamOfFolder(t *testing.T) {
	for _, c := range []struct {
		folder   string
		name     string
		catchAll bool
		ok       bool
	}{
		{ParamFolder("id"), "id", false, true},
		{CatchAllFolder("rest"), "rest", true, true},
		{"posts", "", false, false},
		{"(group)", "", false, false},
		{"_private", "", false, false},
	} {
		name, catchAll, ok := ParamOfFolder(c.folder)
		if name != c.name || catchAll != c.catchAll || ok != c.ok {
			t.Errorf("ParamOfFolder(%q) = %q %v %v", c.folder, name, catchAll, ok)
		}
	}
}

func TestIsGroupFolder(t *testing.T) {
	for folder, want := range map[string]bool{GroupFolder("site"): true, "site": false, ParamFolder("id"): false, "_x": false} {
		if got := IsGroupFolder(folder); got != want {
			t.Errorf("IsGroupFolder(%q) = %v", folder, got)
		}
	}
}

package main

import (
	"strings"
	"testing"
)

func TestClassifyChanges(t *testing.T) {
	for _, tc := range []struct {
		paths []string
		want  string
	}{
		{[]string{"routes/page.tsx"}, "pages"},
		{[]string{"routes/handler.go"}, "go"},
		{[]string{"store/store.go"}, "go"},
		{[]string{"go.mod"}, "go"},
		{[]string{"migrations/0002_x.up.sql"}, "migrations"},
		{[]string{"public/app.css"}, "public"},
		{[]string{"sandkit.toml"}, "settings"},
		{[]string{"routes/posts"}, "go,pages"},
		{[]string{"tsconfig.json", "routes/x.go"}, "go,pages"},
	} {
		m := map[string]bool{}
		for _, p := range tc.paths {
			m[p] = true
		}
		if got := classify(m).String(); got != tc.want {
			t.Errorf("classify(%v) = %s, want %s", tc.paths, got, tc.want)
		}
	}
}

func TestInjectDevScript(t *testing.T) {
	doc := "<!DOCTYPE html><html><head><title>x</title></head><body></body></html>"
	got := string(injectDevScript([]byte(doc), "s-1", nil))
	if !strings.Contains(got, `<script src="/_sandkit/dev/client.js" data-build="s-1"></script></head>`) {
		t.Errorf("no script before </head>: %s", got)
	}
	got = string(injectDevScript([]byte(doc), "s-1", []devProblem{{Kind: "render", Message: "</script><b>"}}))
	if strings.Contains(got, "</script><b>") || !strings.Contains(got, `id="sandkit-dev-render"`) {
		t.Errorf("render problems not escaped into the document: %s", got)
	}
}

// The database folder is not watched; a route named data is.
func TestSkipDir(t *testing.T) {
	d := &devServer{dir: "/app"}
	for p, want := range map[string]bool{
		"/app/data": true, "/app/node_modules": true, "/app/.sandkit": true, "/app/routes/.git": true,
		"/app/routes/data": false, "/app/store": false, "/app/routes/posts": false,
	} {
		if got := d.skipDir(p); got != want {
			t.Errorf("skipDir(%s) = %v, want %v", p, got, want)
		}
	}
}

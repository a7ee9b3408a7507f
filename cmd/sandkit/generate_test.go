package main

import (
	"strings"
	"testing"

	"sandkit.dev/sandkit/routing"
)

func TestParseRoutePath(t *testing.T) {
	id, slug, path := routing.ParamFolder("id"), routing.ParamFolder("slug"), routing.CatchAllFolder("path")
	for _, c := range []struct{ in, id, pattern, pkg, component, params string }{
		{"posts", "posts", "/posts", "posts", "PostsPage", ""},
		{"/posts/:id/", "posts/" + id, "/posts/{id}", "posts", "PostsPage", "id:ID"},
		{"posts/{post_id}/comments", "posts/" + routing.ParamFolder("post_id") + "/comments", "/posts/{post_id}/comments", "comments", "CommentsPage", "post_id:PostID"},
		{"posts/" + slug, "posts/" + slug, "/posts/{slug}", "posts", "PostsPage", "slug:Slug"},
		{"docs/*path", "docs/" + path, "/docs/{path...}", "docs", "DocsPage", "path:Path"},
		{"docs/{path...}", "docs/" + path, "/docs/{path...}", "docs", "DocsPage", "path:Path"},
		{"(marketing)/about-us", routing.GroupFolder("marketing") + "/about-us", "/about-us", "aboutus", "AboutUsPage", ""},
		{":message", routing.ParamFolder("message"), "/{message}", "message", "MessagePage", "message:MessageParam"},
		{"", "", "/", "home", "HomePage", ""},
		{"2fa", "2fa", "/2fa", "fa", "X2faPage", ""},
		{routing.GroupFolder("marketing") + "/x", routing.GroupFolder("marketing") + "/x", "/x", "x", "XPage", ""},
	} {
		rs, err := parseRoutePath(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		var params []string
		for _, p := range rs.Params {
			params = append(params, p.Name+":"+p.Field)
		}
		got := []string{rs.ID, rs.Pattern, rs.Package, rs.Component, strings.Join(params, ",")}
		want := []string{c.id, c.pattern, c.pkg, c.component, c.params}
		if strings.Join(got, " | ") != strings.Join(want, " | ") {
			t.Errorf("%q:\n got %q\nwant %q", c.in, got, want)
		}
	}
}

func TestParseModel(t *testing.T) {
	m, err := parseModel("BlogPost", []string{"title:string", "author_id:int", "photo:bytes?", "url:string?"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "BlogPost" || m.Table != "blog_posts" || m.Package != "blogposts" {
		t.Errorf("names %q %q %q", m.Name, m.Table, m.Package)
	}
	var got []string
	for _, f := range m.Fields {
		got = append(got, f.Field+" "+f.GoType+" "+f.SQLite+"/"+f.Postgres)
	}
	want := []string{"Title string TEXT/TEXT", "AuthorID int64 INTEGER/BIGINT", "Photo []byte BLOB/BYTEA", "URL *string TEXT/TEXT"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("fields\n got %q\nwant %q", got, want)
	}
	for name, table := range map[string]string{"person": "people", "Category": "categories", "Box": "boxes", "HTTPLog": "http_logs"} {
		if m, err := parseModel(name, []string{"x:int"}); err != nil || m.Table != table {
			t.Errorf("model %s: table %q (%v), want %q", name, m.Table, err, table)
		}
	}
}

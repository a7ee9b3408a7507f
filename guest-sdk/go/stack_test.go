package sandkit

import "testing"

func TestReadableStack(t *testing.T) {
	tests := []struct{ route, in, want string }{
		{"boom",
			"panic(...)\nexample.com/hello/sandkit_gen/r2.Get(0x190de0)\n\texample.com/hello/sandkit_gen/r2/handler.go:7 +0x2\nsandkit.dev/x.call()\n",
			"panic(...)\nroutes/boom.Get(0x190de0)\n\troutes/boom/handler.go:7 +0x2\nsandkit.dev/x.call()\n"},
		{"posts/slug.param", "\tex.com/a/b/sandkit_gen/r13/a.go:1", "\troutes/posts/slug.param/a.go:1"},
		{"", "\tex.com/sandkit_gen/r0/handler.go:3", "\troutes/handler.go:3"},
		{"x", "no virtual package here", "no virtual package here"},
		{"x", "ex.com/sandkit_gen/rx/a.go ex.com/sandkit_gen/r1", "ex.com/sandkit_gen/rx/a.go ex.com/sandkit_gen/r1"},
	}
	for _, tt := range tests {
		if got := readableStack(tt.in, tt.route); got != tt.want {
			t.Errorf("readableStack(%q, %q) =\n%q\nwant\n%q", tt.in, tt.route, got, tt.want)
		}
	}
}

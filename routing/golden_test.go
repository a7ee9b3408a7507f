package routing

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// expectGolden asserts got equals testdata/name, or rewrites it with -update.
func expectGolden(t *testing.T, name, got string) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -run %s -update to accept, then review the diff)\n got:\n%s\nwant:\n%s", file, t.Name(), got, want)
	}
}

// goldenTree is a sizable app: a blog with a shop, docs, an API and an
// admin area, using every convention.
var goldenTree = []string{
	"layout.tsx", "page.tsx", "handler.go", "404.tsx", "error.tsx",
	"notfound.all/page.tsx",
	"_components/Nav.tsx", "_components/Footer.tsx", "_lib/db.go", ".DS_Store", ".cache/page.tsx",
	"marketing.group/layout.tsx", "marketing.group/about/page.tsx", "marketing.group/pricing/page.tsx", "marketing.group/pricing/handler.go",
	"marketing.group/legal/doc.param/page.mdx", "marketing.group/legal/doc.param/page.tsx",
	"posts/layout.tsx", "posts/page.tsx", "posts/handler.go", "posts/handler_test.go",
	"posts/new/page.tsx", "posts/new/handler.go",
	"posts/slug.param/page.tsx", "posts/slug.param/handler.go", "posts/slug.param/queries.go", "posts/slug.param/error.tsx",
	"posts/slug.param/edit/page.tsx", "posts/slug.param/edit/handler.go",
	"posts/slug.param/comments/comment_id.param/handler.go",
	"posts/tag/tag.param/page.tsx", "posts/tag/tag.param/page.param/page.tsx",
	"docs/layout.jsx", "docs/404.jsx", "docs/path.all/page.jsx", "docs/api/page.jsx",
	"api/stats/handler.wasm", "api/search/handler.go", "api/v1/resource.param/id.param/handler.wasm",
	"api/v1/resource.param/handler.wasm", "api/v1/resource.param/_fixtures/page.tsx",
	"app.group/layout.tsx", "app.group/auth.group/login/page.tsx", "app.group/auth.group/logout/handler.go",
	"app.group/dashboard/page.tsx", "app.group/dashboard/layout.tsx", "app.group/dashboard/panel.all/page.tsx",
	"admin/layout.tsx", "admin/error.ts", "admin/users/page.ts", "admin/users/id.param/page.ts",
	"shop/page.tsx", "shop/category.param/page.tsx", "shop/category.param/product.param/page.tsx",
	"shop/cart/page.tsx", "shop/cart/handler.go",
	"static files/readme.txt", "hello world/page.tsx", "café/page.tsx",
}

func TestGoldenTable(t *testing.T) {
	expectGolden(t, "table.golden", mustScan(t, goldenTree...).String())
}

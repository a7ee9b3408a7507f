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
	"[...notfound]/page.tsx",
	"_components/Nav.tsx", "_components/Footer.tsx", "_lib/db.go", ".DS_Store", ".cache/page.tsx",
	"(marketing)/layout.tsx", "(marketing)/about/page.tsx", "(marketing)/pricing/page.tsx", "(marketing)/pricing/handler.go",
	"(marketing)/legal/[doc]/page.mdx", "(marketing)/legal/[doc]/page.tsx",
	"posts/layout.tsx", "posts/page.tsx", "posts/handler.go", "posts/handler_test.go",
	"posts/new/page.tsx", "posts/new/handler.go",
	"posts/[slug]/page.tsx", "posts/[slug]/handler.go", "posts/[slug]/queries.go", "posts/[slug]/error.tsx",
	"posts/[slug]/edit/page.tsx", "posts/[slug]/edit/handler.go",
	"posts/[slug]/comments/[comment_id]/handler.go",
	"posts/tag/[tag]/page.tsx", "posts/tag/[tag]/[page]/page.tsx",
	"docs/layout.jsx", "docs/404.jsx", "docs/[...path]/page.jsx", "docs/api/page.jsx",
	"api/stats/handler.wasm", "api/search/handler.go", "api/v1/[resource]/[id]/handler.wasm",
	"api/v1/[resource]/handler.wasm", "api/v1/[resource]/_fixtures/page.tsx",
	"(app)/layout.tsx", "(app)/(auth)/login/page.tsx", "(app)/(auth)/logout/handler.go",
	"(app)/dashboard/page.tsx", "(app)/dashboard/layout.tsx", "(app)/dashboard/[...panel]/page.tsx",
	"admin/layout.tsx", "admin/error.ts", "admin/users/page.ts", "admin/users/[id]/page.ts",
	"shop/page.tsx", "shop/[category]/page.tsx", "shop/[category]/[product]/page.tsx",
	"shop/cart/page.tsx", "shop/cart/handler.go",
	"static files/readme.txt", "hello world/page.tsx", "café/page.tsx",
}

func TestGoldenTable(t *testing.T) {
	expectGolden(t, "table.golden", mustScan(t, goldenTree...).String())
}

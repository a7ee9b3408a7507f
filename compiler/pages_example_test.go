package compiler_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sandkit.dev/sandkit/compiler"
	"sandkit.dev/sandkit/internal/npmfixture"
)

// newPagesApp writes a two-page app into a temporary folder, with the
// packages of examples/pages (installed by the deps step).
func newPagesApp() string {
	example, _ := filepath.Abs(filepath.Join("..", "examples", "pages"))
	if err := npmfixture.Install(example); err != nil {
		panic(err)
	}
	tmp, err := os.MkdirTemp("", "example-")
	if err != nil {
		panic(err)
	}
	app := filepath.Join(tmp, "app")
	files := map[string]string{
		"routes/layout.tsx": `import { Link } from "sandkit/client";
import "./site.css";
export default function Layout({ children }) {
  return <><nav><Link to="/">Home</Link></nav><main>{children}</main></>;
}`,
		"routes/site.css": "nav { display: flex }\n",
		"routes/page.tsx": `export default function Home() { return <h1>Home</h1>; }`,
		"routes/posts/id.param/page.tsx": `import { useData, useParams } from "sandkit/client";
export default function Post() {
  const { id } = useParams();
  const post = useData() as { title: string } | null;
  return <><title>{post?.title ?? id}</title><h1>{post?.title}</h1></>;
}`,
	}
	for name, content := range files {
		p := filepath.Join(app, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			panic(err)
		}
	}
	if err := os.Symlink(filepath.Join(example, "node_modules"), filepath.Join(app, "node_modules")); err != nil {
		panic(err)
	}
	return app
}

func ExampleBuildPages() {
	app := newPagesApp()
	defer os.RemoveAll(filepath.Dir(app))

	res, err := compiler.BuildPages(context.Background(), app, compiler.PagesOptions{})
	if err != nil {
		fmt.Println(err) // routes/posts/id.param/page.tsx:3:9: ...
		return
	}
	m := res.Manifest
	for _, id := range res.Routes {
		a := m.Routes[id]
		// A document links a.CSS as stylesheets and a.Preload as module
		// preloads, and runs m.Entry; every URL is m.PublicPath + name.
		fmt.Printf("%q %s %v css:%d\n", id, a.Pattern, a.Modules, len(a.CSS))
	}
	server, _ := os.ReadFile(res.ServerPath)
	fmt.Println(m.PublicPath, strings.Contains(string(server), "__sandkit_render"))
	// Output:
	// "" / [routes/layout.tsx routes/page.tsx] css:1
	// "posts/id.param" /posts/{id} [routes/layout.tsx routes/posts/id.param/page.tsx] css:1
	// /_sandkit/pages/ true
}

package compiler_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"sandkit.dev/sandkit/compiler"
)

// newApp writes a one-route app into a temporary folder named app. Its go.mod points
// sandkit at this checkout; a real app requires a sandkit version instead.
func newApp(handler string) string {
	tmp, err := os.MkdirTemp("", "example-")
	if err != nil {
		panic(err)
	}
	app := filepath.Join(tmp, "app")
	sandkitDir, err := filepath.Abs("..")
	if err != nil {
		panic(err)
	}
	files := map[string]string{
		"go.mod": "module example.com/app\n\ngo 1.26.8\n\nrequire sandkit.dev/sandkit v0.0.0\n\n" +
			"replace sandkit.dev/sandkit => " + sandkitDir + "\n",
		"routes/hello/name.param/handler.go": handler,
	}
	for name, content := range files {
		p := filepath.Join(app, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			panic(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			panic(err)
		}
	}
	return app
}

func ExampleBuildHandlers() {
	app := newApp(`package hello

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

func Get(r *sandkit.Request) sandkit.Response {
	return sandkit.Text(200, "Hello, "+r.Param("name")+"!\n")
}
`)
	defer os.RemoveAll(filepath.Dir(app))

	ctx := context.Background()
	res, err := compiler.BuildHandlers(ctx, app)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q cached=%v %s\n", res.Routes, res.Cached, filepath.Base(res.WasmPath))

	// Nothing changed: the module comes from the cache and go does not run.
	res, err = compiler.BuildHandlers(ctx, app)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q cached=%v\n", res.Routes, res.Cached)
	// Output:
	// ["hello/name.param"] cached=false handlers.wasm
	// ["hello/name.param"] cached=true
}

// Compiler messages name the files under routes/, not the virtual packages
// the build uses.
func ExampleBuildError() {
	app := newApp(`package hello

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

func Get(r *sandkit.Request) sandkit.Response {
	return sandkit.Text(200, "Hello, "+name)
}
`)
	defer os.RemoveAll(filepath.Dir(app))

	_, err := compiler.BuildHandlers(context.Background(), app)
	fmt.Println(err)
	// Output:
	// app "app": building Go handlers failed:
	// # routes/hello/name.param
	// routes/hello/name.param/handler.go:6:37: undefined: name
}

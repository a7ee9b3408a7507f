package pages_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"time"

	"sandkit.dev/sandkit/pages"
)

// A server bundle written by hand; a real one is react-dom's renderToString
// bundled by esbuild (see the package doc).
const helloBundle = `globalThis.__sandkit_render = function (input) {
  var req = JSON.parse(input);
  if (req.route === "spin") for (;;) {}
  return "<h1>Hello, " + req.params.name + "</h1><p>" + req.data.visits + " visits</p>";
};`

func Example() {
	ctx := context.Background()
	engine, err := pages.NewEngine(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer engine.Close(ctx)

	r, err := engine.Load(ctx, "hello", []byte(helloBundle), pages.WithTimeout(100*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close(ctx)

	in, _ := json.Marshal(pages.Input{
		Route: "hello/name.param", URL: "/hello/gopher",
		Params: map[string]string{"name": "gopher"},
		Data:   json.RawMessage(`{"visits": 3}`),
	})
	html, err := r.Render(ctx, in)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(html))

	// A page that never returns is stopped at its deadline; the next
	// render gets a fresh instance.
	_, err = r.Render(ctx, []byte(`{"route":"spin"}`))
	fmt.Println(errors.Is(err, pages.ErrDeadline))
	html, _ = r.Render(ctx, in)
	fmt.Println(string(html))
	// Output:
	// <h1>Hello, gopher</h1><p>3 visits</p>
	// true
	// <h1>Hello, gopher</h1><p>3 visits</p>
}

package sandkit_test

import (
	"fmt"
	"strconv"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// A handler returns a Response value; WithHeader returns a modified copy.
func ExampleText() {
	r := sandkit.Text(200, "Hello, Ada!\n").WithHeader("Cache-Control", "no-store")

	fmt.Println(r.Status())
	for name, value := range r.Headers() {
		fmt.Printf("%s: %s\n", name, value)
	}
	fmt.Print(r.Body())
	// Output:
	// 200
	// Content-Type: text/plain; charset=utf-8
	// Cache-Control: no-store
	// Hello, Ada!
}

// RawJSON sends bytes that are already JSON: build them without reflection
// on hot paths.
func ExampleRawJSON() {
	b := []byte(`{"name":`)
	b = strconv.AppendQuote(b, "Ada")
	b = append(b, `,"visits":`...)
	b = strconv.AppendInt(b, 3, 10)
	b = append(b, '}')
	r := sandkit.RawJSON(200, b)

	fmt.Println(r.Header("Content-Type"))
	fmt.Println(r.Body())
	// Output:
	// application/json
	// {"name":"Ada","visits":3}
}

// Redirect after a form POST.
func ExampleRedirect() {
	r := sandkit.Redirect(303, "/posts/hello")
	fmt.Println(r.Status(), r.Header("Location"))
	// Output: 303 /posts/hello
}

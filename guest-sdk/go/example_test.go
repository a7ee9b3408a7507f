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
	b = sandkit.AppendJSONString(b, "Ada")
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

// A JSONBuilder writes the commas and colons; strings come out as valid
// JSON whatever bytes they hold.
func ExampleJSONBuilder() {
	var j sandkit.JSONBuilder
	j.Object()
	j.Key("id").Int(7)
	j.Key("title").String("<b>milk</b>\a")
	j.Key("done").Bool(false)
	j.Key("tags").Array().String("shop").String("today").EndArray()
	j.Key("score").Float(0.5)
	j.EndObject()
	r := sandkit.RawJSON(201, j.Bytes())

	fmt.Println(r.Body())
	// Output:
	// {"id":7,"title":"\u003cb\u003emilk\u003c/b\u003e\u0007","done":false,"tags":["shop","today"],"score":0.5}
}

// AppendJSONString quotes a string for JSON; strconv.Quote does not (its
// \a and \xff are not JSON).
func ExampleAppendJSONString() {
	fmt.Println(string(sandkit.AppendJSONString(nil, "bell\a, bad byte \xff, \"quoted\"")))
	// Output:
	// "bell\u0007, bad byte \ufffd, \"quoted\""
}

// Redirect after a form POST.
func ExampleRedirect() {
	r := sandkit.Redirect(303, "/posts/hello")
	fmt.Println(r.Status(), r.Header("Location"))
	// Output: 303 /posts/hello
}

package sandkittest_test

import (
	"fmt"
	"strings"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/sandkittest"
)

// greet is the handler under test: POST /greet/{name} with a greeting.
func greet(r *sandkit.Request) sandkit.Response {
	body, err := r.ReadBody()
	if err != nil {
		return sandkit.Error(400, err.Error())
	}
	var j sandkit.JSONBuilder
	j.Object().Key("greeting").String(string(body) + ", " + r.Param("name") + "!").EndObject()
	return sandkit.RawJSON(200, j.Bytes())
}

// A handler called natively with a request built by NewRequest; in a test,
// OpenDB(t) first gives it the app's database.
func Example() {
	req := sandkittest.NewRequest("POST", "/greet/Ada?lang=en", strings.NewReader("Hello"),
		sandkittest.Param("name", "Ada"),
		sandkittest.Header("Content-Type", "text/plain"))
	resp := sandkittest.Do(greet, req)

	fmt.Println(resp.Status(), resp.Header("Content-Type"))
	fmt.Println(resp.Body())
	// Output:
	// 200 application/json
	// {"greeting":"Hello, Ada!"}
}

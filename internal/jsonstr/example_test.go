package jsonstr_test

import (
	"fmt"

	"sandkit.dev/sandkit/internal/jsonstr"
)

func ExampleAppend() {
	b := []byte(`{"title":`)
	b = jsonstr.Append(b, "<b>\"hi\"\x07\xff")
	b = append(b, '}')
	fmt.Println(string(b))
	// Output: {"title":"\u003cb\u003e\"hi\"\u0007\ufffd"}
}

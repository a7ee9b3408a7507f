package abi_test

import (
	"fmt"

	"sandkit.dev/sandkit/abi"
)

// A host encodes a request head; a guest decodes it.
func Example() {
	wire := abi.AppendRequestHead(nil, &abi.RequestHead{
		Method: "GET",
		Route:  "hello/name.param",
		Path:   "/hello/Ada",
		Params: []abi.Pair{{Name: "name", Value: "Ada"}},
	})
	var h abi.RequestHead
	if err := abi.DecodeRequestHead(wire, &h); err != nil {
		panic(err)
	}
	fmt.Println(len(wire), "bytes:", h.Method, h.Path, h.Params[0].Name+"="+h.Params[0].Value)
	// Output: 80 bytes: GET /hello/Ada name=Ada
}

package cguest_test

import (
	"fmt"
	"strings"

	"sandkit.dev/sandkit/host/internal/cguest"
)

// The clang command line for a route handler linked with the C SDK.
func ExampleArgs() {
	args := cguest.Args([]string{"guest-sdk/c/sandkit.c", "routes/c/handler.c"}, "routes/c/handler.wasm", true)
	fmt.Println("clang", strings.Join(args, " "))
	// Output:
	// clang --target=wasm32-wasi -std=c11 -O2 -Wall -Wl,--strip-debug -mexec-model=reactor -Iguest-sdk/c -Iroutes/c -o routes/c/handler.wasm guest-sdk/c/sandkit.c routes/c/handler.c
}

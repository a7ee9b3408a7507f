package cguest_test

import (
	"fmt"
	"strings"

	"sandkit.dev/sandkit/host/internal/cguest"
)

// The clang command lines for a route handler linked with the C SDK: one
// compile step per source, then the link.
func ExampleSteps() {
	steps := cguest.Steps([]string{"guest-sdk/c/sandkit.c", "routes/c/handler.c"}, "routes/c/handler.wasm", "obj", true)
	for _, args := range steps {
		fmt.Println("clang", strings.Join(args, " "))
	}
	// Output:
	// clang --target=wasm32-wasi -std=c11 -O2 -Wall -Iguest-sdk/c -Iroutes/c -c -o obj/0-sandkit.o guest-sdk/c/sandkit.c
	// clang --target=wasm32-wasi -std=c11 -O2 -Wall -Iguest-sdk/c -Iroutes/c -c -o obj/1-handler.o routes/c/handler.c
	// clang --target=wasm32-wasi -Wl,--strip-debug -mexec-model=reactor -o routes/c/handler.wasm obj/0-sandkit.o obj/1-handler.o
}

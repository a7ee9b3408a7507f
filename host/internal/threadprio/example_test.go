package threadprio_test

import (
	"fmt"

	"sandkit.dev/sandkit/host/internal/threadprio"
)

func Example() {
	// Work of one tenant outside a guest call, such as loading its app,
	// runs on a thread of its own at the lowest priority.
	loaded := false
	threadprio.Run(func() { loaded = true })
	fmt.Println("loaded:", loaded)

	// A long guest call lowers its own thread while it runs.
	l := threadprio.Lower()
	defer l.Restore()
	// Output: loaded: true
}

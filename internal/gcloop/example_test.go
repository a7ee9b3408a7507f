package gcloop_test

import (
	"fmt"
	"time"

	"sandkit.dev/sandkit/internal/gcloop"
)

func Example() {
	gc := gcloop.Start(time.Millisecond)
	<-gc.First() // collections are running
	// ... run a guest to its deadline, then check gc.Cycles() grew ...
	gc.Stop()
	fmt.Println(gc.Cycles() > 0)
	// Output: true
}

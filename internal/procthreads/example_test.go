package procthreads_test

import (
	"fmt"
	"runtime"

	"sandkit.dev/sandkit/internal/procthreads"
)

func Example() {
	// This process runs at the default priority: some thread is at nice 0.
	if runtime.GOOS == "linux" {
		fmt.Println(procthreads.AtNice(0, 0) > 0)
	} else {
		fmt.Println(true)
	}
	// Output: true
}

// An example of reading the embedded guest SDK.

package sandkit_test

import (
	"fmt"
	"slices"

	"sandkit.dev/sandkit"
)

func ExampleGuestSDKFiles() {
	files := sandkit.GuestSDKFiles()
	fmt.Println(slices.Contains(files, "abi/abi.go"), slices.Contains(files, "guest-sdk/go/handle.go"),
		slices.Contains(files, "guest-sdk/go/db/fast.go"), slices.Contains(files, "guest-sdk/go/handle_test.go"))
	// Output: true true true false
}

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

func ExampleGuestSDKModule() {
	info, err := sandkit.GuestSDKModule()
	if err != nil {
		panic(err)
	}
	for _, r := range info.Requires {
		if r.Mod.Path == "golang.org/x/crypto" || r.Mod.Path == "modernc.org/sqlite" {
			fmt.Println(r.Mod.Path, r.Direct) // auth hashes passwords with x/crypto; sandkittest opens SQLite
		}
	}
	// Output:
	// golang.org/x/crypto true
	// modernc.org/sqlite true
}

package auth_test

import (
	"fmt"
	"os"
	"strings"

	"sandkit.dev/sandkit/guest-sdk/go/auth"
)

// Where to go after logging in: only paths on this site are followed.
func ExampleSafeNext() {
	for _, next := range []string{"/account?tab=notes", "//evil.example", "/\\evil.example", "https://evil.example/"} {
		fmt.Println(auth.SafeNext(next))
	}
	// Output:
	// /account?tab=notes
	// /
	// /
	// /
}

// A password hashed at sign-up and checked at login. The hash says how it
// was made, so the parameters can change and old hashes still verify.
func ExampleHashPassword() {
	hash, err := auth.HashPassword("correct horse battery staple")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Join(strings.Split(hash, "$")[:4], "$"))
	ok, _ := auth.CheckPassword(hash, "correct horse battery staple")
	wrong, _ := auth.CheckPassword(hash, "Tr0ub4dor&3")
	fmt.Println(ok, wrong)
	// Output:
	// $argon2id$v=19$m=19456,t=2,p=1
	// true false
}

// A value signed with the app's secret key (in a guest, the host gives it;
// natively, the environment does), and a tampered copy refused.
func ExampleSign() {
	os.Setenv("SANDKIT_SECRET_KEY", "example-key-0123456789abcdef012345")
	defer os.Unsetenv("SANDKIT_SECRET_KEY")
	signed, _ := auth.Sign("greeting", "hello")
	v, ok, _ := auth.Verify("greeting", signed)
	fmt.Println(v, ok)
	_, ok, _ = auth.Verify("greeting", "hullo"+signed[len("hello"):])
	fmt.Println(ok)
	// Output:
	// hello true
	// false
}

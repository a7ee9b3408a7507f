package password_test

import (
	"fmt"
	"strings"

	"sandkit.dev/sandkit/internal/password"
)

func Example() {
	h, err := password.New([]byte("correct horse"))
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.HasPrefix(h, password.Prefix()), password.Prefix())
	parsed, err := password.Parse(h)
	if err != nil {
		panic(err)
	}
	fmt.Println(parsed.Verify([]byte("correct horse")), parsed.Verify([]byte("wrong horse")))
	_, err = password.Parse("$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHQ$c2FsdHNhbHRzYWx0c2FsdA")
	fmt.Println(err == password.ErrOverLimit)
	// Output:
	// true $argon2id$v=19$m=19456,t=2,p=1$
	// true false
	// true
}

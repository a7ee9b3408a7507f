package form_test

import (
	"fmt"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/form"
)

// SignUp is a form as Bind reads it; the password is never sent back.
type SignUp struct {
	Email    string `form:"email"`
	Password string `form:"password,secret"`
	Age      int    `form:"age"`
}

// A refused form answered with the values to refill it with: Values
// leaves the password out.
func ExampleValues() {
	in := SignUp{Email: "ada@example.com", Password: "hunter2", Age: 36}
	resp := sandkit.FormError("Please correct the form.", sandkit.FieldErrors{"password": "must be at least 8 characters"}, form.Values(&in))
	fmt.Println(resp.Body())
	// Output:
	// {"error":{"status":422,"message":"Please correct the form.","fields":{"password":"must be at least 8 characters"}},"values":{"age":"36","email":"ada@example.com"}}
}

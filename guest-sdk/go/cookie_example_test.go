package sandkit_test

import (
	"fmt"
	"time"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// A response that sets a cookie with the defaults (Path=/, HttpOnly,
// SameSite=Lax) and a lifetime, and deletes another.
func ExampleResponse_WithCookie() {
	resp := sandkit.Redirect(303, "/").
		WithCookie(sandkit.NewCookie("theme", "dark").WithMaxAge(365 * 24 * time.Hour)).
		WithoutCookie("old")
	for name, value := range resp.Headers() {
		fmt.Println(name+":", value)
	}
	// Output:
	// Location: /
	// Set-Cookie: theme=dark; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax
	// Set-Cookie: old=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax
}

// The answer to a refused form: 422 with each field's message and the
// values to refill the form with (spec/routing.md §7).
func ExampleFormError() {
	resp := sandkit.FormError("Please correct the form.",
		sandkit.FieldErrors{"email": "is already taken"},
		map[string]string{"email": "ada@example.com"})
	fmt.Println(resp.Status(), resp.Body())
	// Output:
	// 422 {"error":{"status":422,"message":"Please correct the form.","fields":{"email":"is already taken"}},"values":{"email":"ada@example.com"}}
}

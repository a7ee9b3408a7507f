//go:build !wasip1

package sandkit_test

import (
	"fmt"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/sandkittest"
)

// userKey is the request value a middleware attaches the user under.
type userKey struct{}

// Middleware is what routes/admin/middleware.go declares: the compiler
// wraps every Go handler of routes/admin/ and below in it (spec/routing.md
// §8). It refuses a request without a token and passes the user it found
// to the handler with SetValue.
func Middleware(next sandkit.HandlerFunc) sandkit.HandlerFunc {
	return func(r *sandkit.Request) sandkit.Response {
		user, ok := map[string]string{"t0ken": "ada"}[r.Header("X-Token")]
		if !ok {
			return sandkit.Error(401, "who are you?")
		}
		r.SetValue(userKey{}, user)
		return next(r)
	}
}

func ExampleRequest_SetValue() {
	get := Middleware(func(r *sandkit.Request) sandkit.Response {
		return sandkit.Text(200, "hello "+r.Value(userKey{}).(string))
	})
	for _, token := range []string{"", "t0ken"} {
		resp := sandkittest.Do(get, sandkittest.NewRequest("GET", "/admin", nil, sandkittest.Header("X-Token", token)))
		fmt.Print(resp.Status(), " ", resp.Body())
	}
	// Output:
	// 401 who are you?
	// 200 hello ada
}

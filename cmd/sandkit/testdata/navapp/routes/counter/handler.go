// A counter kept in a cookie, bumped by a fetcher without navigating.
package counter

import (
	"strconv"

	"example.com/navapp/routes/_lib/cookie"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Data is the counter's value.
type Data struct {
	Count int `json:"count"`
}

func count(r *sandkit.Request) int {
	n, _ := strconv.Atoi(cookie.Get(r, "count"))
	return n
}

// Get answers the count.
func Get(r *sandkit.Request) sandkit.Response { return sandkit.JSON(200, Data{Count: count(r)}) }

// Post adds one.
func Post(r *sandkit.Request) sandkit.Response {
	n := count(r) + 1
	return sandkit.JSON(200, Data{Count: n}).WithHeader("Set-Cookie", "count="+strconv.Itoa(n)+"; Path=/")
}

// The route api/info: JSON two ways, hand-built (fast) and with encoding/json.
package info

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

// Get serves GET /api/info as hand-built JSON: no reflection, the fast path.
// With ?via=reflect it answers the same document through sandkit.JSON.
func Get(r *sandkit.Request) sandkit.Response {
	if r.QueryValue("via") == "reflect" {
		return sandkit.JSON(200, info{App: "hello", Route: r.Route(), Method: r.Method(), RequestID: r.RequestID()})
	}
	b := make([]byte, 0, 128)
	b = append(b, `{"app":"hello","route":`...)
	b = sandkit.AppendJSONString(b, r.Route())
	b = append(b, `,"method":`...)
	b = sandkit.AppendJSONString(b, r.Method())
	b = append(b, `,"request_id":`...)
	b = sandkit.AppendJSONString(b, r.RequestID())
	b = append(b, '}')
	return sandkit.RawJSON(200, b)
}

type info struct {
	App       string `json:"app"`
	Route     string `json:"route"`
	Method    string `json:"method"`
	RequestID string `json:"request_id"`
}

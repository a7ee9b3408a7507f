// A guest that runs out of memory: its 500 and the log record name the
// limit and the setting that raises it.

package host_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"sandkit.dev/sandkit/compiler"
	"sandkit.dev/sandkit/host"
)

// oomHandlers: GET /grow allocates 1 MiB chunks until the Go runtime dies
// of it (memory then at the limit); GET /big asks for one block larger
// than the limit (argon2id's 64 MiB under the default limit is such a
// block), which fails while most of the memory is still free.
var oomHandlers = map[string]string{
	"routes/grow/handler.go": `package grow

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

var hoard [][]byte

func Get(r *sandkit.Request) sandkit.Response {
	for {
		b := make([]byte, 1<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		hoard = append(hoard, b)
	}
}
`,
	"routes/big/handler.go": `package big

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

var keep []byte

func Get(r *sandkit.Request) sandkit.Response {
	keep = make([]byte, 40<<20)
	keep[len(keep)-1] = 1
	return sandkit.Text(200, "allocated")
}
`,
	"routes/ok/handler.go": `package ok

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

func Get(r *sandkit.Request) sandkit.Response { return sandkit.Text(200, "fine") }
`,
}

// TestGuestOutOfMemory: Go guests that run out of memory, in small steps
// and in one large block, and a C guest that traps once memory.grow
// fails, each get a 500 whose message names limits.memory_pages, and a
// log record that says the same; a trap with memory to spare does not.
// Under isolation = "request" too: the restore point's memory counts
// against the limit as an instance's own would.
func TestGuestOutOfMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go guest")
	}
	for _, isolation := range []string{"pool", "request"} {
		t.Run(isolation, func(t *testing.T) { testGuestOutOfMemory(t, isolation) })
	}
}

func testGuestOutOfMemory(t *testing.T, isolation string) {
	const want = "the guest ran out of memory: limits.memory_pages = 512 (32 MiB)"
	config := "name = \"bomb\"\nisolation = \"" + isolation + "\"\n[limits]\nmemory_pages = 512\n"
	dir := hostileApp(t, "bomb", config)
	for rel, src := range oomHandlers {
		writeAppFile(t, dir, rel, src)
	}
	if _, err := compiler.BuildHandlers(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	cdir := appDir(t, map[string]string{"c/p.all": "membomb.wasm", "trap/p.all": "badptr.wasm"}, config)

	var logs syncBuffer
	engine, err := host.NewEngine(host.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { engine.Close(context.Background()) })
	_, srv := serveAppOn(t, engine, dir)
	_, csrv := serveAppOn(t, engine, cdir)

	for _, tc := range []struct {
		url string
		oom bool
	}{
		{srv.URL + "/grow", true},
		{srv.URL + "/big", true},
		{csrv.URL + "/c/trap", true},
		{csrv.URL + "/trap/write", false}, // a bad pointer: a trap, but not for memory
	} {
		r := do(t, "GET", tc.url, "")
		var body struct{ Error struct{ Message string } }
		if err := json.Unmarshal([]byte(r.body), &body); err != nil || r.status != 500 {
			t.Errorf("%s: %d %q, want a 500 in JSON", tc.url, r.status, r.body)
			continue
		}
		if got := strings.Contains(body.Error.Message, want); got != tc.oom {
			t.Errorf("%s: message %q; naming the memory limit: %v, want %v", tc.url, body.Error.Message, got, tc.oom)
		}
		// The access record of the failed request says the same.
		path := strings.TrimPrefix(strings.TrimPrefix(tc.url, srv.URL), csrv.URL)
		var found bool
		for _, line := range strings.Split(logs.String(), "\n") {
			var rec struct{ Msg, Path, Err string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "request failed" && rec.Path == path {
				found = true
				if strings.Contains(rec.Err, want) != tc.oom {
					t.Errorf("%s: log record err %q; naming the memory limit: %v", path, rec.Err, tc.oom)
				}
			}
		}
		if !found {
			t.Errorf("%s: no \"request failed\" record in\n%.3000s", path, logs.String())
		}
	}
	// The app serves on after each.
	expect(t, do(t, "GET", srv.URL+"/ok", ""), 200, "fine")
}

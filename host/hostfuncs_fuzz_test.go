// Fuzzing the host functions' argument decoding: pointers, lengths and the
// bytes they point at, as a hostile guest passes them.

package host

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"sandkit.dev/sandkit/abi"
)

// fuzzMemoryModule is a module with one page of memory and nothing else.
var fuzzMemoryModule = []byte("\x00asm\x01\x00\x00\x00" + "\x05\x03\x01\x00\x01")

// FuzzHostFuncs calls every host function of the `sandkit` module with any
// arguments over any guest memory, inside a request. Each must return or
// trap (a *trap panic fails only the request); any other panic is a host
// bug. The database functions run without a database: they decode their
// pointers and answer ErrState (abi.DecodeArgs has FuzzDecodeArgs).
//
//	go test -run '^$' -fuzz '^FuzzHostFuncs$' ./host
func FuzzHostFuncs(f *testing.F) {
	ctx := context.Background()
	mod := fuzzMemory(f)
	db, pw := dbFuncs{}, passwordFuncs{}
	funcs := []api.GoModuleFunc{resultRead, bodyRead, respStatus, respHeader, respWrite, logRecord, envGet,
		db.query, db.exec, db.queryJSON, db.begin, db.commit, db.rollback, pw.hash, pw.verify, pw.params}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))

	f.Add([]byte("X-Name\x00value"), uint8(3), uint32(0), uint32(6), uint32(7), uint32(5))
	f.Add([]byte("a\r\nb"), uint8(3), uint32(0), uint32(1), uint32(1), uint32(3))
	f.Add([]byte("hello"), uint8(5), uint32(65530), uint32(10), uint32(0), uint32(0))
	f.Add([]byte("GREETING"), uint8(6), uint32(0), uint32(8), uint32(0), uint32(0))
	f.Add([]byte("SELECT 1"), uint8(7), uint32(0), uint32(8), uint32(0xffffffff), uint32(0x80000000))
	f.Add([]byte{}, uint8(0), uint32(0xffff0000), uint32(0x7fffffff), uint32(0), uint32(0))
	// password_hash, password_verify (a stored hash asking for 4 GiB,
	// a bcrypt hash of cost 31, a range past the memory) and password_params.
	f.Add([]byte("hunter2"), uint8(13), uint32(0), uint32(7), uint32(0), uint32(0))
	f.Add([]byte("$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHQ$c2FsdHNhbHRzYWx0c2FsdA"+"x"), uint8(14), uint32(0), uint32(70), uint32(70), uint32(1))
	f.Add([]byte("$2a$31$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234x"), uint8(14), uint32(0), uint32(60), uint32(60), uint32(1))
	f.Add([]byte("pw"), uint8(14), uint32(0), uint32(2), uint32(0xfffffff0), uint32(0x20))
	f.Add([]byte{}, uint8(15), uint32(0), uint32(0), uint32(0), uint32(0))
	f.Fuzz(func(t *testing.T, mem []byte, fn uint8, a, b, c, d uint32) {
		mod.Memory().Write(0, make([]byte, 1<<16))
		mod.Memory().Write(0, mem[:min(len(mem), 1<<16)])
		call := newCall()
		defer call.release()
		call.body = strings.NewReader("the request body")
		call.bodyLimit = 8
		call.outLimit = 64
		call.env = map[string]string{"GREETING": "hi"}
		call.log = &requestLog{base: quiet}
		call.logLeft = 1 << 10
		call.slot = append(call.slot[:0], "a result"...)
		dctx, release := withDeadline(ctx, time.Now().Add(time.Minute))
		defer release()
		dctx.call = call
		stack := []uint64{uint64(a), uint64(b), uint64(c), uint64(d)}
		func() {
			defer func() {
				if v := recover(); v != nil {
					if _, ok := v.(*trap); !ok {
						t.Fatalf("host function %d panicked with %T: %v", fn%uint8(len(funcs)), v, v)
					}
				}
			}()
			funcs[int(fn)%len(funcs)](dctx, mod, stack)
		}()
		if call.status < 100 || call.status > 999 {
			t.Fatalf("status %d", call.status)
		}
		if int64(call.out.Len()) > call.outLimit {
			t.Fatalf("response body of %d bytes over its limit", call.out.Len())
		}
		if call.nheaders > 100 || len(call.header) > 100 {
			t.Fatalf("%d headers", call.nheaders)
		}
		for k, vs := range call.header {
			for _, v := range vs {
				if !validHeader(k, v) || http.CanonicalHeaderKey(k) != k {
					t.Fatalf("header %q: %q accepted", k, v)
				}
			}
		}
	})
}

// FuzzRespSend calls resp_send with any arguments over any guest memory,
// after a resp_header call, inside a request: it returns or traps, never
// panics otherwise, and applies all of the response or none of it.
//
//	go test -run '^$' -fuzz '^FuzzRespSend$' ./host
func FuzzRespSend(f *testing.F) {
	ctx := context.Background()
	mod := fuzzMemory(f)
	list := func(ps ...abi.Pair) []byte { return abi.AppendPairs(nil, ps) }
	ok := list(abi.Pair{Name: "content-type", Value: "text/plain"}, abi.Pair{Name: "X-A", Value: "1"})
	f.Add(ok, uint32(200), uint32(0), uint32(len(ok)), uint32(0), uint32(4))
	f.Add(ok, uint32(200), uint32(0), uint32(len(ok)-1), uint32(0), uint32(0))
	f.Add(list(abi.Pair{Name: "Content-Length", Value: "1"}), uint32(200), uint32(0), uint32(24), uint32(0), uint32(0))
	f.Add(list(abi.Pair{Name: "X", Value: "a\r\nb"}), uint32(200), uint32(0), uint32(14), uint32(0), uint32(0))
	f.Add([]byte{0xff, 0xff, 0xff, 0x7f}, uint32(200), uint32(0), uint32(4), uint32(0), uint32(0))
	f.Add([]byte{101, 0, 0, 0}, uint32(200), uint32(0), uint32(4), uint32(0), uint32(0))
	f.Add([]byte{}, uint32(99), uint32(0), uint32(0), uint32(0), uint32(0))
	f.Add([]byte{}, uint32(204), uint32(0), uint32(0), uint32(65530), uint32(100))
	f.Add([]byte{}, uint32(200), uint32(0xffffffff), uint32(1), uint32(0), uint32(0x80000000))
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	f.Fuzz(func(t *testing.T, mem []byte, status, hp, hl, bp, bl uint32) {
		mod.Memory().Write(0, make([]byte, 1<<16))
		mod.Memory().Write(0, mem[:min(len(mem), 1<<16)])
		call := newCall()
		defer call.release()
		call.outLimit = 64
		call.log = &requestLog{base: quiet}
		dctx, release := withDeadline(ctx, time.Now().Add(time.Minute))
		defer release()
		dctx.call = call
		// One header set beforehand, which resp_send keeps.
		mod.Memory().Write(1<<16-4, []byte("X-Pv"))
		hstack := []uint64{1<<16 - 4, 4, 1<<16 - 2, 2}
		if respHeader(dctx, mod, hstack); int32(uint32(hstack[0])) != abi.OK {
			t.Fatalf("resp_header X-Pv: %d", int32(uint32(hstack[0])))
		}
		stack := []uint64{uint64(status), uint64(hp), uint64(hl), uint64(bp), uint64(bl)}
		trapped := false
		func() {
			defer func() {
				if v := recover(); v != nil {
					if _, ok := v.(*trap); !ok {
						t.Fatalf("resp_send panicked with %T: %v", v, v)
					}
					trapped = true
				}
			}()
			respSend(dctx, mod, stack)
		}()
		rc := int32(uint32(stack[0]))
		applied := !trapped && rc == abi.OK
		switch {
		case trapped && (call.status != 200 || call.nheaders != 1 || call.out.Len() != 0 || call.bodyStarted):
			t.Fatalf("a trapped call applied part of the response: status %d, %d headers, %d body bytes", call.status, call.nheaders, call.out.Len())
		case !trapped && rc != abi.OK && (call.status != 200 || call.nheaders != 1 || call.out.Len() != 0 || call.bodyStarted):
			t.Fatalf("a refused call (%d) applied part of the response: status %d, %d headers, %d body bytes", rc, call.status, call.nheaders, call.out.Len())
		case applied && (call.status != int(status) || !call.bodyStarted || call.out.Len() != int(bl)):
			t.Fatalf("an accepted call: status %d (sent %d), body %d bytes (sent %d)", call.status, status, call.out.Len(), bl)
		case !trapped && rc != abi.OK && rc != abi.ErrBadInput && rc != abi.ErrTooLarge:
			t.Fatalf("rc %d", rc)
		}
		if call.status < 100 || call.status > 999 || int64(call.out.Len()) > call.outLimit || call.nheaders > abi.MaxHeaders {
			t.Fatalf("status %d, %d body bytes, %d headers", call.status, call.out.Len(), call.nheaders)
		}
		if got := call.header.Get("X-Pv"); got != "Pv" {
			t.Fatalf("the header set before resp_send: X-Pv = %q", got)
		}
		for k, vs := range call.header {
			for _, v := range vs {
				if !validHeader(k, v) || http.CanonicalHeaderKey(k) != k || reservedHeader(k) {
					t.Fatalf("header %q: %q accepted", k, v)
				}
			}
		}
	})
}

// fuzzMemory instantiates fuzzMemoryModule, the guest memory the fuzzed
// host functions read and write, on a runtime closed when f ends.
func fuzzMemory(f *testing.F) api.Module {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	f.Cleanup(func() { rt.Close(ctx) })
	mod, err := rt.Instantiate(ctx, fuzzMemoryModule)
	if err != nil {
		f.Fatal(err)
	}
	return mod
}

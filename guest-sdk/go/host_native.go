//go:build !wasip1

// A native stand-in for the host imports, so that the package (and code
// that imports it) builds and tests outside wasm. Outside tests it has no
// request to serve: Env reads the process environment and Log writes to
// standard error.

package sandkit

import (
	"fmt"
	"os"

	"sandkit.dev/sandkit/abi"
)

// nativeHost records what the guest did during one natively run request.
type nativeHost struct {
	slot    []byte            // the result slot
	body    []byte            // unread request body
	bodyMax int               // body bytes after which body_read fails with TOO_LARGE; 0 = no limit
	bodyOff int               // bytes of body delivered
	status  int32             // 0 until resp_status
	headers []abi.Pair        // resp_header calls
	out     []byte            // resp_write calls
	started bool              // the body has started
	env     map[string]string // nil: the process environment
	logs    []string          // log records, when capture is set
	capture bool
}

var native nativeHost

func hostResultRead(p []byte) int32 { return int32(copy(p, native.slot)) }

func hostBodyRead(p []byte) int32 {
	if native.bodyMax > 0 && native.bodyOff >= native.bodyMax {
		return abi.ErrTooLarge
	}
	n := copy(p, native.body)
	native.body = native.body[n:]
	native.bodyOff += n
	return int32(n)
}

func hostRespStatus(code int32) int32 {
	switch {
	case native.started:
		return abi.ErrState
	case code < 100 || code > 999:
		return abi.ErrBadInput
	}
	native.status = code
	return abi.OK
}

func hostRespHeader(name, value string) int32 {
	if native.started {
		return abi.ErrState
	}
	if !nativeHeaderOK(name, value) {
		return abi.ErrBadInput
	}
	native.headers = append(native.headers, abi.Pair{Name: name, Value: value})
	return abi.OK
}

// hostRespSend checks everything before it applies anything, as the host
// does (spec/abi.md §5, resp_send).
func hostRespSend(status int32, headers []byte, body string) int32 {
	switch {
	case native.started:
		return abi.ErrState
	case status < 100 || status > 999:
		return abi.ErrBadInput
	}
	pairs, err := abi.DecodePairsAliased(headers, nil)
	if err != nil {
		return abi.ErrBadInput
	}
	for _, p := range pairs {
		if !nativeHeaderOK(p.Name, p.Value) {
			return abi.ErrBadInput
		}
	}
	native.status = status
	for _, p := range pairs {
		native.headers = append(native.headers, abi.Pair{Name: string([]byte(p.Name)), Value: string([]byte(p.Value))})
	}
	hostRespWrite(body)
	return abi.OK
}

// nativeHeaderOK is the part of the host's header check the native tests
// rely on.
func nativeHeaderOK(name, value string) bool {
	if name == "" || len(name) > abi.MaxHeaderName || len(value) > abi.MaxHeaderValue {
		return false
	}
	for _, c := range []byte(value) {
		if c == '\r' || c == '\n' || c == 0 {
			return false
		}
	}
	return true
}

func hostRespWrite(s string) int32 {
	native.started = true
	native.out = append(native.out, s...)
	return int32(len(s))
}

func hostLog(level int32, msg string) {
	if native.capture {
		native.logs = append(native.logs, fmt.Sprintf("%d %s", level, msg))
		return
	}
	fmt.Fprintf(os.Stderr, "sandkit log level=%d: %s\n", level, msg)
}

func hostEnvGet(key string) int32 {
	var v string
	var ok bool
	if native.env != nil {
		v, ok = native.env[key]
	} else {
		v, ok = os.LookupEnv(key)
	}
	if !ok {
		return abi.ErrNotFound
	}
	native.slot = []byte(v)
	return int32(len(v))
}

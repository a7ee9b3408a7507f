// Dispatch: the route table, method selection and the per-request handle loop.

package sandkit

import (
	"encoding/binary"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"

	"sandkit.dev/sandkit/abi"
)

// HandlerFunc serves one request of one method on one route.
type HandlerFunc func(*Request) Response

// Methods lists a route's handlers, one per HTTP method; nil means the
// method is not allowed. HEAD requests use Get.
type Methods struct {
	Get, Post, Put, Patch, Delete, Options HandlerFunc
}

// Fallback is the route id whose handlers serve every route id that has no
// handlers of its own. A standalone handler.wasm registers under it.
const Fallback = "*"

// route is one registered route with its precomputed 405 response.
type route struct {
	methods    Methods
	notAllowed Response
}

// routes maps route ids to handlers. It is written only by Handle, from
// package init functions, before the first request.
var routes = map[string]*route{}

// Handle registers the handlers m for the route id route (the route's
// folder under routes/, "" for the root, or [Fallback]). Call it from an
// init function. It panics if the route is registered twice or m has no
// handler; in a module, that panic fails the instance's initialization, so
// the host refuses the module with the message.
func Handle(route string, m Methods) {
	if _, dup := routes[route]; dup {
		panic("sandkit: Handle: route " + strconv.Quote(route) + " registered twice")
	}
	allow := m.allow()
	if allow == "" {
		panic("sandkit: Handle: route " + strconv.Quote(route) + " has no handler")
	}
	routes[route] = newRoute(m, allow)
}

func newRoute(m Methods, allow string) *route {
	return &route{
		methods:    m,
		notAllowed: hostError(405, "method not allowed").WithHeader("Allow", allow),
	}
}

// allow is the value of the Allow header for m: the defined methods, with
// HEAD alongside GET.
func (m *Methods) allow() string {
	var names []string
	add := func(h HandlerFunc, n ...string) {
		if h != nil {
			names = append(names, n...)
		}
	}
	add(m.Get, "GET", "HEAD")
	add(m.Post, "POST")
	add(m.Put, "PUT")
	add(m.Patch, "PATCH")
	add(m.Delete, "DELETE")
	add(m.Options, "OPTIONS")
	return strings.Join(names, ", ")
}

// handler returns m's handler for an HTTP method (case-sensitive, as HTTP
// methods are), or nil.
func (m *Methods) handler(method string) HandlerFunc {
	switch method {
	case "GET", "HEAD":
		return m.Get
	case "POST":
		return m.Post
	case "PUT":
		return m.Put
	case "PATCH":
		return m.Patch
	case "DELETE":
		return m.Delete
	case "OPTIONS":
		return m.Options
	}
	return nil
}

var notFound = hostError(404, "no handler for this route")

// hostError is an answer the SDK makes on its own (404, 405), in the shape
// of the host's error answers (spec/routing.md, "Errors the host answers"):
// {"error":{"status":404,"message":"..."}}.
func hostError(status int, msg string) Response {
	b := strconv.AppendInt([]byte(`{"error":{"status":`), int64(status), 10)
	b = AppendJSONString(append(b, `,"message":`...), msg)
	return RawJSON(status, append(b, "}}"...))
}

// lookup finds the handler for the request; when there is none, h is nil
// and resp is the 404 or 405 to send.
func lookup(routeID, method string) (h HandlerFunc, resp Response) {
	rt := routes[routeID]
	if rt == nil {
		if rt = routes[Fallback]; rt == nil {
			return nil, notFound
		}
	}
	if h = rt.methods.handler(method); h == nil {
		return nil, rt.notAllowed
	}
	return h, Response{}
}

// panicError is a recovered handler panic with its stack.
type panicError struct {
	value any
	stack []byte
}

// call runs h and recovers a panic into *panicError.
func call(h HandlerFunc, r *Request) (resp Response, perr *panicError) {
	defer func() {
		if v := recover(); v != nil {
			perr = &panicError{value: v, stack: debug.Stack()}
		}
	}()
	return h(r), nil
}

// Non-zero results of handle; the host answers 500 for any of them.
const (
	handlePanic     int32 = 1 // the handler panicked
	handleBadHead   int32 = 2 // the request head could not be read or decoded
	handleWriteFail int32 = 3 // the host refused part of the response
)

// Per-instance state reused across requests; an instance serves one
// request at a time.
var (
	current Request
	arena   [][]byte // sandkit_alloc results, kept alive until handle returns
)

// handle serves one request whose encoded head of headLen bytes is in the
// result slot; it is the body of the sandkit_handle export.
func handle(headLen int32) (rc int32) {
	defer endRequest()
	defer func() {
		// A panic outside the handler (in the SDK itself) must not escape
		// the export: that would kill the instance without a log record.
		if v := recover(); v != nil {
			Log(LevelError, fmt.Sprintf("sandkit: internal panic: %v\n%s", v, debug.Stack()))
			rc = handlePanic
		}
	}()
	if headLen < 0 || headLen > abi.MaxHead {
		Log(LevelError, "sandkit: request head length out of range: "+strconv.Itoa(int(headLen)))
		return handleBadHead
	}
	// A fresh buffer per request: the head's strings alias it (one
	// allocation instead of one per string; allocation is dear in wasm), and
	// a handler that keeps a string past its request keeps valid bytes.
	buf := make([]byte, headLen)
	if n := hostResultRead(buf); n != headLen {
		Log(LevelError, "sandkit: result_read returned "+strconv.Itoa(int(n))+" for a head of "+strconv.Itoa(int(headLen))+" bytes")
		return handleBadHead
	}
	req := &current
	if err := abi.DecodeRequestHeadAliased(buf, &req.head); err != nil {
		Log(LevelError, "sandkit: "+err.Error())
		return handleBadHead
	}
	req.reset()
	h, resp := lookup(req.head.Route, req.head.Method)
	if h != nil {
		var perr *panicError
		if resp, perr = call(h, req); perr != nil {
			Log(LevelError, fmt.Sprintf("sandkit: panic in %s handler of route %q (path %s): %v\n%s",
				req.head.Method, req.head.Route, req.head.Path, perr.value, readableStack(string(perr.stack), req.head.Route)))
			return handlePanic
		}
	}
	if err := writeResponse(resp); err != "" {
		Log(LevelError, "sandkit: route "+strconv.Quote(req.head.Route)+": "+err)
		return handleWriteFail
	}
	return abi.HandleOK
}

// respHeaders is the encoded header list of the response being sent,
// reused from request to request (an instance serves one at a time).
var respHeaders []byte

// writeResponse sends r with one resp_send call and returns a description
// of what the host refused, or "".
func writeResponse(r Response) string {
	n := len(r.extra)
	if r.contentType != "" {
		n++
	}
	b := binary.LittleEndian.AppendUint32(respHeaders[:0], uint32(n))
	for name, value := range r.Headers() {
		b = abi.AppendString(abi.AppendString(b, name), value)
	}
	rc := hostRespSend(int32(r.Status()), b, r.body)
	if cap(b) <= 64<<10 {
		respHeaders = b[:0]
	}
	if rc >= 0 {
		return ""
	}
	// resp_send applied nothing: the same response piece by piece says
	// which part the host refuses.
	if err := writeResponsePieces(r); err != "" {
		return err
	}
	return "response refused (" + codeName(rc) + ")"
}

// writeResponsePieces sends r through resp_status, resp_header and
// resp_write and returns a description of the first refusal, or "".
func writeResponsePieces(r Response) string {
	if rc := hostRespStatus(int32(r.Status())); rc < 0 {
		return "status " + strconv.Itoa(r.Status()) + " refused (" + codeName(rc) + ")"
	}
	for name, value := range r.Headers() {
		if rc := hostRespHeader(name, value); rc < 0 {
			return "header " + strconv.Quote(name) + " refused (" + codeName(rc) + ")"
		}
	}
	if r.body != "" {
		if rc := hostRespWrite(r.body); rc < 0 {
			return "body of " + strconv.Itoa(len(r.body)) + " bytes refused (" + codeName(rc) + ")"
		}
	}
	return ""
}

func codeName(rc int32) string {
	switch rc {
	case abi.ErrNotFound:
		return "not found"
	case abi.ErrTooLarge:
		return "too large"
	case abi.ErrBadInput:
		return "bad input"
	case abi.ErrState:
		return "not allowed now"
	case abi.ErrUnexpected:
		return "host failure"
	}
	return "code " + strconv.Itoa(int(rc))
}

// allocArena returns size fresh bytes that stay referenced until the
// current request ends; it is the body of the sandkit_alloc export.
func allocArena(size int) []byte {
	b := make([]byte, size)
	arena = append(arena, b)
	return b
}

// endRequest drops everything one request held.
func endRequest() {
	clear(arena)
	arena = arena[:0]
	current.reset()
	// Keep the lists' capacity for the next request, not their strings.
	params, headers := current.head.Params[:0], current.head.Headers[:0]
	clear(params[:cap(params)])
	clear(headers[:cap(headers)])
	current.head = abi.RequestHead{Params: params, Headers: headers}
}

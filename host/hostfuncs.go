// Host functions: the `sandkit` import module every guest may call
// (spec/abi.md §5). Each checks every pointer and length it is given.

package host

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/textproto"
	"strings"
	"sync"
	"unsafe"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"golang.org/x/net/http/httpguts"

	"sandkit.dev/sandkit/abi"
)

// trap is the panic value a host function raises for a call that breaks the
// ABI; wazero turns it into an error from the guest call, which fails the
// request and discards the instance.
type trap struct{ msg string }

func (t *trap) Error() string { return "guest broke the ABI: " + t.msg }

func trapf(format string, args ...any) { panic(&trap{fmt.Sprintf(format, args...)}) }

// isTrap reports whether err came from a host function refusing a call.
func isTrap(err error) (*trap, bool) {
	var t *trap
	ok := errors.As(err, &t)
	return t, ok
}

// guestBytes returns the guest memory at [ptr, ptr+n) or traps.
func guestBytes(mod api.Module, ptr, n uint64, what string) []byte {
	p, l := uint32(ptr), int32(uint32(n))
	if l < 0 {
		trapf("%s: negative length %d", what, l)
	}
	b, ok := mod.Memory().Read(p, uint32(l))
	if !ok {
		trapf("%s: range [%#x, +%d) is outside the guest's %d bytes of memory", what, p, l, mod.Memory().Size())
	}
	return b
}

func ret(stack []uint64, v int32) { stack[0] = uint64(uint32(v)) }

var (
	i32 = api.ValueTypeI32
)

// instantiateHostModule defines the `sandkit` host module in r, shared by
// every app that runs in r: its functions keep no state and reach the
// request's (and so the app's) state only through the call in ctx.
func instantiateHostModule(ctx context.Context, r wazero.Runtime) error {
	_, err := hostModule(r).Instantiate(ctx)
	return err
}

// hostModule builds the module of the ABI's host functions on r.
func hostModule(r wazero.Runtime) wazero.HostModuleBuilder {
	b := r.NewHostModuleBuilder(abi.ModuleName)
	fn := func(name string, f api.GoModuleFunc, params, results []api.ValueType) {
		b.NewFunctionBuilder().WithGoModuleFunction(f, params, results).Export(name)
	}
	fn(abi.ImportResultRead, resultRead, []api.ValueType{i32, i32}, []api.ValueType{i32})
	fn(abi.ImportBodyRead, bodyRead, []api.ValueType{i32, i32}, []api.ValueType{i32})
	fn(abi.ImportRespStatus, respStatus, []api.ValueType{i32}, []api.ValueType{i32})
	fn(abi.ImportRespHeader, respHeader, []api.ValueType{i32, i32, i32, i32}, []api.ValueType{i32})
	fn(abi.ImportRespWrite, respWrite, []api.ValueType{i32, i32}, []api.ValueType{i32})
	fn(abi.ImportRespSend, respSend, []api.ValueType{i32, i32, i32, i32, i32}, []api.ValueType{i32})
	fn(abi.ImportLog, logRecord, []api.ValueType{i32, i32, i32}, nil)
	fn(abi.ImportEnvGet, envGet, []api.ValueType{i32, i32}, []api.ValueType{i32})
	dbFuncs{}.register(b)
	passwordFuncs{}.register(b)
	return b
}

// Imports lists what a guest module may import: by import module (the ABI's,
// abi.ModuleName, and WASI preview 1's), the names of its functions. It is
// read from the host modules the host instantiates, so a check made with it
// (the deploy API's, before a version is stored) agrees with the host.
func Imports() (map[string]map[string]bool, error) { return imports() }

var imports = sync.OnceValues(func() (map[string]map[string]bool, error) {
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer rt.Close(ctx)
	out := map[string]map[string]bool{}
	for mod, b := range map[string]interface {
		Compile(context.Context) (wazero.CompiledModule, error)
	}{abi.ModuleName: hostModule(rt), wasi_snapshot_preview1.ModuleName: wasi_snapshot_preview1.NewBuilder(rt)} {
		compiled, err := b.Compile(ctx)
		if err != nil {
			return nil, fmt.Errorf("host module %s: %w", mod, err)
		}
		names := map[string]bool{}
		for name := range compiled.ExportedFunctions() {
			names[name] = true
		}
		out[mod] = names
	}
	return out, nil
})

func resultRead(ctx context.Context, mod api.Module, stack []uint64) {
	dst := guestBytes(mod, stack[0], stack[1], abi.ImportResultRead)
	c := callFrom(ctx)
	if c == nil {
		ret(stack, 0)
		return
	}
	ret(stack, int32(copy(dst, c.slot)))
}

func bodyRead(ctx context.Context, mod api.Module, stack []uint64) {
	dst := guestBytes(mod, stack[0], stack[1], abi.ImportBodyRead)
	c := callFrom(ctx)
	switch {
	case c == nil:
		ret(stack, abi.ErrState)
		return
	case len(dst) == 0:
		ret(stack, abi.ErrBadInput)
		return
	}
	n, err := c.readBody(ctx, dst)
	switch {
	case errors.Is(err, errBodyTooLarge):
		ret(stack, abi.ErrTooLarge)
	case err != nil && err != io.EOF:
		ret(stack, abi.ErrUnexpected)
	default:
		ret(stack, int32(n))
	}
}

func respStatus(ctx context.Context, mod api.Module, stack []uint64) {
	code := int32(uint32(stack[0]))
	c := callFrom(ctx)
	switch {
	case c == nil || c.bodyStarted:
		ret(stack, abi.ErrState)
	case code < 100 || code > 999:
		ret(stack, abi.ErrBadInput)
	default:
		c.status = int(code)
		ret(stack, abi.OK)
	}
}

func respHeader(ctx context.Context, mod api.Module, stack []uint64) {
	name := guestBytes(mod, stack[0], stack[1], abi.ImportRespHeader)
	value := guestBytes(mod, stack[2], stack[3], abi.ImportRespHeader)
	c := callFrom(ctx)
	switch {
	case c == nil || c.bodyStarted:
		ret(stack, abi.ErrState)
	case !validHeader(string(name), string(value)) || reservedHeader(name):
		ret(stack, abi.ErrBadInput)
	case c.nheaders >= abi.MaxHeaders:
		ret(stack, abi.ErrTooLarge)
	default:
		c.nheaders++
		k := textproto.CanonicalMIMEHeaderKey(string(name))
		c.header[k] = append(c.header[k], string(value))
		ret(stack, abi.OK)
	}
}

func respWrite(ctx context.Context, mod api.Module, stack []uint64) {
	p := guestBytes(mod, stack[0], stack[1], abi.ImportRespWrite)
	c := callFrom(ctx)
	switch {
	case c == nil:
		ret(stack, abi.ErrState)
	case c.overflow || int64(c.out.Len())+int64(len(p)) > c.outLimit:
		c.overflow = true
		ret(stack, abi.ErrTooLarge)
	default:
		c.bodyStarted = true
		c.out.Write(p)
		ret(stack, int32(len(p)))
	}
}

// respSend is resp_status, resp_header for each pair and resp_write in one
// call, all or nothing: every argument is checked before any is applied.
func respSend(ctx context.Context, mod api.Module, stack []uint64) {
	code := int32(uint32(stack[0]))
	hb := guestBytes(mod, stack[1], stack[2], abi.ImportRespSend)
	body := guestBytes(mod, stack[3], stack[4], abi.ImportRespSend)
	c := callFrom(ctx)
	switch {
	case c == nil || c.bodyStarted:
		ret(stack, abi.ErrState)
		return
	case code < 100 || code > 999:
		ret(stack, abi.ErrBadInput)
		return
	}
	// The count first, so a long list is refused before it is decoded.
	if len(hb) >= 4 && binary.LittleEndian.Uint32(hb) > abi.MaxHeaders {
		ret(stack, abi.ErrTooLarge)
		return
	}
	var pairs []abi.Pair
	if len(hb) > 0 {
		// One copy of the names and values, out of guest memory; the pairs
		// alias it.
		held := string(hb)
		var err error
		if pairs, err = abi.DecodePairsAliased(unsafe.Slice(unsafe.StringData(held), len(held)), c.pairs); err != nil {
			ret(stack, abi.ErrBadInput)
			return
		}
		c.pairs = pairs
	}
	for _, p := range pairs {
		if !validHeader(p.Name, p.Value) || reservedHeader(p.Name) {
			ret(stack, abi.ErrBadInput)
			return
		}
	}
	switch {
	case c.nheaders+len(pairs) > abi.MaxHeaders:
		ret(stack, abi.ErrTooLarge)
		return
	case c.overflow || int64(c.out.Len())+int64(len(body)) > c.outLimit:
		c.overflow = true
		ret(stack, abi.ErrTooLarge)
		return
	}
	c.status = int(code)
	c.nheaders += len(pairs)
	for _, p := range pairs {
		k := textproto.CanonicalMIMEHeaderKey(p.Name)
		c.header[k] = append(c.header[k], p.Value)
	}
	c.bodyStarted = true
	c.out.Write(body)
	ret(stack, abi.OK)
}

func logRecord(ctx context.Context, mod api.Module, stack []uint64) {
	level := int32(uint32(stack[0]))
	msg := guestBytes(mod, stack[1], stack[2], abi.ImportLog)
	log := loggerFrom(ctx)
	if log == nil {
		return
	}
	if len(msg) > abi.MaxLogRecord {
		msg = msg[:abi.MaxLogRecord]
	}
	if c := callFrom(ctx); c != nil && !c.allowLog(ctx, len(msg)) {
		return
	}
	log.Log(ctx, slog.Level(level), strings.ToValidUTF8(string(msg), "\uFFFD"), "source", "guest")
}

func envGet(ctx context.Context, mod api.Module, stack []uint64) {
	key := guestBytes(mod, stack[0], stack[1], abi.ImportEnvGet)
	c := callFrom(ctx)
	switch {
	case c == nil:
		ret(stack, abi.ErrState)
	case len(key) > abi.MaxEnvKey:
		ret(stack, abi.ErrBadInput)
	default:
		v, ok := c.env[string(key)]
		if !ok {
			ret(stack, abi.ErrNotFound)
			return
		}
		c.slot = append(c.slot[:0], v...)
		ret(stack, int32(len(v)))
	}
}

// validHeader reports whether a guest's response header may be sent: the
// name an HTTP token and the value a field value without control
// characters (httpguts, as net/http checks them), each within the ABI's
// length.
func validHeader(name, value string) bool {
	return len(name) <= abi.MaxHeaderName && len(value) <= abi.MaxHeaderValue &&
		httpguts.ValidHeaderFieldName(name) && httpguts.ValidHeaderFieldValue(value)
}

// reservedHeader reports whether a response header is the host's to set.
func reservedHeader[T string | []byte](name T) bool {
	for _, r := range reservedHeaders {
		if len(name) == len(r) && strings.EqualFold(string(name), r) {
			return true
		}
	}
	return false
}

var reservedHeaders = []string{"Content-Length", "Transfer-Encoding", "Connection", "Trailer", "Upgrade", "Keep-Alive"}

// One QuickJS instance: a wasm module instance with a QuickJS runtime and
// context in its memory, the app's server bundle evaluated in it, and the
// render function ready to call.

package pages

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// allIntrinsics: 0 asks QTS_NewContext for JS_NewContext's full set
// (a mask of @jitl/quickjs-ffi-types' IntrinsicsFlags leaves BigInt out in
// the NG build).
const allIntrinsics = 0

// maxStackSize is QuickJS's own bound on its native stack, so deep
// recursion throws a RangeError before it exhausts the real one.
const maxStackSize = 256 << 10

// layout holds the addresses QuickJS state lives at. They are the same in
// every instance restored from one snapshot.
type layout struct {
	rt, ctx   uint32 // JSRuntime*, JSContext*
	fn        uint32 // JSValue* of the checked render function
	argv      uint32 // one JSValueConst* slot for the call's argument
	undefined uint32 // JSValueConst* of undefined
}

type instance struct {
	mod   api.Module
	mem   api.Memory
	lay   layout
	stack []uint64
	fns   struct {
		malloc, free, newString, getString, call, resolveException,
		dump, freeCString, freeValue, eval api.Function
	}
	renders int
	from    *snapshot // the snapshot whose image the memory maps, if any
}

// instantiate creates a module instance whose memory comes from alloc (nil:
// wazero's default) and binds the exports sandkit calls.
func (e *Engine) instantiate(ctx context.Context, alloc experimental.MemoryAllocator) (*instance, error) {
	if alloc != nil {
		ctx = experimental.WithMemoryAllocator(ctx, alloc)
	}
	mod, err := e.rt.InstantiateModule(ctx, e.compiled, wazero.NewModuleConfig().WithName("").WithStartFunctions())
	if err != nil {
		return nil, fmt.Errorf("instantiating QuickJS: %w", err)
	}
	in := &instance{mod: mod, mem: mod.Memory(), stack: make([]uint64, 8)}
	f := func(name string) api.Function { return exportFunc(mod, e.exports, name) }
	in.fns.malloc, in.fns.free = f("malloc"), f("free")
	in.fns.newString, in.fns.getString = f("QTS_NewString"), f("QTS_GetString")
	in.fns.call, in.fns.resolveException = f("QTS_Call"), f("QTS_ResolveException")
	in.fns.dump, in.fns.freeCString = f("QTS_Dump"), f("QTS_FreeCString")
	in.fns.freeValue, in.fns.eval = f("QTS_FreeValuePointer"), f("QTS_Eval")
	return in, nil
}

// newFreshInstance starts QuickJS from scratch and evaluates the prelude and
// the bundle in it.
func (e *Engine) newFreshInstance(ctx context.Context, name string, bundle []byte, maxBytes uint64) (*instance, error) {
	in, err := e.instantiate(ctx, reserveAllocator())
	if err != nil {
		return nil, err
	}
	if err := in.boot(ctx, e, name, bundle, maxBytes); err != nil {
		in.close(ctx)
		return nil, err
	}
	return in, nil
}

func (in *instance) boot(ctx context.Context, e *Engine, name string, bundle []byte, maxBytes uint64) error {
	st := &callState{maxBytes: maxBytes}
	ctx = withState(ctx, st)
	f := func(n string) api.Function { return exportFunc(in.mod, e.exports, n) }
	if _, err := in.callFn(ctx, f("__wasm_call_ctors")); err != nil {
		return fmt.Errorf("starting QuickJS: %w", err)
	}
	var err error
	if in.lay.rt, err = in.callFn(ctx, f("QTS_NewRuntime")); err != nil || in.lay.rt == 0 {
		return fmt.Errorf("creating the QuickJS runtime: %w", orNull(err))
	}
	if _, err = in.callFn(ctx, f("QTS_RuntimeSetMaxStackSize"), in.lay.rt, maxStackSize); err != nil {
		return err
	}
	if _, err = in.callFn(ctx, f("QTS_RuntimeEnableInterruptHandler"), in.lay.rt); err != nil {
		return err
	}
	if in.lay.ctx, err = in.callFn(ctx, f("QTS_NewContext"), in.lay.rt, allIntrinsics); err != nil || in.lay.ctx == 0 {
		return fmt.Errorf("creating the QuickJS context: %w", orNull(err))
	}
	if in.lay.undefined, err = in.callFn(ctx, f("QTS_GetUndefined")); err != nil {
		return err
	}
	if in.lay.argv, err = in.malloc(ctx, 4); err != nil {
		return err
	}
	v, err := in.eval(ctx, st, []byte(prelude), "sandkit:prelude")
	if err != nil {
		return fmt.Errorf("prelude: %w", err)
	}
	in.freeValue(ctx, v)
	v, err = in.eval(ctx, st, bundle, name)
	if err != nil {
		return fmt.Errorf("evaluating the server bundle: %w", err)
	}
	in.freeValue(ctx, v)
	if in.lay.fn, err = in.eval(ctx, st, []byte(renderWrapper), "sandkit:render"); err != nil {
		return err
	}
	return nil
}

var errNull = errors.New("QuickJS returned NULL (out of memory?)")

func orNull(err error) error {
	if err != nil {
		return err
	}
	return errNull
}

// callFn calls f with i32 arguments and returns its first result as i32.
func (in *instance) callFn(ctx context.Context, f api.Function, args ...uint32) (uint32, error) {
	s := in.stack[:max(len(args), 1)]
	for i, a := range args {
		s[i] = uint64(a)
	}
	if err := f.CallWithStack(ctx, s); err != nil {
		return 0, err
	}
	if len(f.Definition().ResultTypes()) == 0 {
		return 0, nil
	}
	return uint32(s[0]), nil
}

func (in *instance) malloc(ctx context.Context, n uint32) (uint32, error) {
	p, err := in.callFn(ctx, in.fns.malloc, n)
	if err != nil {
		return 0, err
	}
	if p == 0 {
		return 0, fmt.Errorf("%w: malloc(%d) failed", ErrMemoryLimit, n)
	}
	return p, nil
}

func (in *instance) freeValue(ctx context.Context, v uint32) {
	if v != 0 {
		_, _ = in.callFn(ctx, in.fns.freeValue, in.lay.ctx, v)
	}
}

// cstring copies NUL-terminated bytes at p into Go memory.
func (in *instance) cstring(p uint32) ([]byte, error) {
	if p == 0 || p >= in.mem.Size() {
		return nil, fmt.Errorf("QuickJS returned a bad string pointer %#x", p)
	}
	b, ok := cBytes(in.mem, p, math.MaxUint32)
	if !ok {
		return nil, fmt.Errorf("QuickJS returned an unterminated string at %#x", p)
	}
	return bytes.Clone(b), nil
}

// putCString copies b and a NUL into fresh guest memory.
func (in *instance) putCString(ctx context.Context, b []byte) (uint32, error) {
	p, err := in.malloc(ctx, uint32(len(b)+1))
	if err != nil {
		return 0, err
	}
	if !in.mem.Write(p, b) || !in.mem.WriteByte(p+uint32(len(b)), 0) {
		return 0, fmt.Errorf("writing %d bytes at %#x: out of bounds", len(b), p)
	}
	return p, nil
}

// eval runs code as a classic script and returns the JSValue* of its
// completion value.
func (in *instance) eval(ctx context.Context, st *callState, code []byte, filename string) (uint32, error) {
	if bytes.IndexByte(code, 0) >= 0 {
		return 0, fmt.Errorf("%s: script contains a NUL byte", filename)
	}
	cp, err := in.putCString(ctx, code)
	if err != nil {
		return 0, err
	}
	defer in.callFn(ctx, in.fns.free, cp)
	fp, err := in.putCString(ctx, []byte(filename))
	if err != nil {
		return 0, err
	}
	defer in.callFn(ctx, in.fns.free, fp)
	v, err := in.callFn(ctx, in.fns.eval, in.lay.ctx, cp, uint32(len(code)), fp, 0, 0)
	if err != nil {
		return 0, classify(st, err)
	}
	return v, in.exception(ctx, st, v)
}

// exception turns v into an error if it is QuickJS's exception marker
// (freeing v then), and returns nil otherwise.
func (in *instance) exception(ctx context.Context, st *callState, v uint32) error {
	if v == 0 {
		return classify(st, errNull)
	}
	exc, err := in.callFn(ctx, in.fns.resolveException, in.lay.ctx, v)
	if err != nil {
		return classify(st, err)
	}
	if exc == 0 {
		return nil
	}
	in.freeValue(ctx, v)
	jsErr := in.describe(ctx, exc)
	in.freeValue(ctx, exc)
	return classify(st, jsErr)
}

// describe dumps a thrown value as a *JSError.
func (in *instance) describe(ctx context.Context, exc uint32) *JSError {
	p, err := in.callFn(ctx, in.fns.dump, in.lay.ctx, exc)
	if err != nil || p == 0 {
		return &JSError{Message: "(could not describe the exception)"}
	}
	raw, err := in.cstring(p)
	_, _ = in.callFn(ctx, in.fns.freeCString, in.lay.ctx, p)
	if err != nil {
		return &JSError{Message: "(could not describe the exception)"}
	}
	e := &JSError{}
	if json.Unmarshal(raw, e) != nil || (e.Name == "" && e.Message == "") {
		e = &JSError{Message: string(raw)}
	}
	e.Stack = strings.TrimSpace(e.Stack)
	return e
}

// render calls the render function with input and returns its string.
func (in *instance) render(ctx context.Context, st *callState, input []byte) ([]byte, error) {
	in.renders++
	if i := bytes.IndexByte(input, 0); i >= 0 {
		return nil, fmt.Errorf("%w: input has a NUL byte at offset %d (pass JSON, as encoding/json writes it)", ErrBadInput, i)
	}
	ip, err := in.putCString(ctx, input)
	if err != nil {
		return nil, classify(st, err)
	}
	arg, err := in.callFn(ctx, in.fns.newString, in.lay.ctx, ip)
	_, _ = in.callFn(ctx, in.fns.free, ip)
	if err != nil {
		return nil, classify(st, err)
	}
	if arg == 0 {
		return nil, classify(st, errNull)
	}
	in.mem.WriteUint32Le(in.lay.argv, arg)
	res, err := in.callFn(ctx, in.fns.call, in.lay.ctx, in.lay.fn, in.lay.undefined, 1, in.lay.argv)
	if err != nil {
		return nil, classify(st, err)
	}
	in.freeValue(ctx, arg)
	if err := in.exception(ctx, st, res); err != nil {
		return nil, err
	}
	defer in.freeValue(ctx, res)
	p, err := in.callFn(ctx, in.fns.getString, in.lay.ctx, res)
	if err != nil {
		return nil, classify(st, err)
	}
	if p == 0 {
		return nil, classify(st, errNull)
	}
	out, err := in.cstring(p)
	_, _ = in.callFn(ctx, in.fns.freeCString, in.lay.ctx, p)
	return out, err
}

func (in *instance) close(ctx context.Context) {
	_ = in.mod.Close(context.WithoutCancel(ctx))
}

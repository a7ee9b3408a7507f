// The functions QuickJS imports, implemented in Go. None of them reaches a
// file, a socket or the process environment: output goes to the engine's
// logger, time comes from the Go clock in UTC, and exits and assertions
// become errors of the call that made them.

package pages

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"github.com/tetratelabs/wazero/api"
)

// callState is what host functions learn and report during one call into
// an instance; it travels in the call's context.
type callState struct {
	ctx         context.Context // the call's, for classify
	interrupted bool            // the interrupt handler stopped the guest
	outOfMemory bool            // a memory growth was refused
	maxBytes    uint64          // the app's memory limit; 0: the engine's
	interrupts  int             // times the interrupt handler ran
	out         []byte          // pending stdout/stderr line
	logged      int             // bytes logged in this call
	readClock   bool            // the guest read the time
}

type stateKey struct{}

func withState(ctx context.Context, st *callState) context.Context {
	st.ctx = ctx
	return context.WithValue(ctx, stateKey{}, st)
}

func stateOf(ctx context.Context) *callState {
	if st, ok := ctx.Value(stateKey{}).(*callState); ok {
		return st
	}
	return &callState{} // a call made without state: report nowhere
}

// trapError is how abort, assertions and exit end a call.
type trapError struct{ msg string }

func (t *trapError) Error() string { return "QuickJS trapped: " + t.msg }

// maxLogPerCall bounds what one call may write to the log.
const maxLogPerCall = 16 << 10

func hostFunctions(e *Engine) map[string]api.GoModuleFunc {
	str := func(mod api.Module, ptr uint32) string { return cString(mod.Memory(), ptr, 1024) }
	return map[string]api.GoModuleFunc{
		"emscripten_resize_heap": func(ctx context.Context, mod api.Module, stack []uint64) {
			st := stateOf(ctx)
			ok := growHeap(mod.Memory(), uint64(uint32(stack[0])), st.maxBytes)
			if !ok {
				st.outOfMemory = true
			}
			stack[0] = 0
			if ok {
				stack[0] = 1
			}
		},
		"qts_host_interrupt_handler": func(ctx context.Context, _ api.Module, stack []uint64) {
			st := stateOf(ctx)
			st.interrupts++
			stack[0] = 0
			if ctx.Err() != nil {
				st.interrupted = true
				stack[0] = 1
			}
		},
		"fd_write": func(ctx context.Context, mod api.Module, stack []uint64) {
			fd, iovs, n, nwritten := uint32(stack[0]), uint32(stack[1]), uint32(stack[2]), uint32(stack[3])
			mem := mod.Memory()
			st := stateOf(ctx)
			total := uint32(0)
			for i := uint32(0); i < n; i++ {
				ptr, ok1 := mem.ReadUint32Le(iovs + 8*i)
				l, ok2 := mem.ReadUint32Le(iovs + 8*i + 4)
				buf, ok3 := mem.Read(ptr, l)
				if !ok1 || !ok2 || !ok3 {
					stack[0] = 21 // EFAULT
					return
				}
				total += l
				e.guestOutput(st, fd, buf)
			}
			mem.WriteUint32Le(nwritten, total)
			stack[0] = 0
		},
		"emscripten_date_now": func(ctx context.Context, _ api.Module, stack []uint64) {
			stateOf(ctx).readClock = true
			stack[0] = math.Float64bits(float64(time.Now().UnixMilli()))
		},
		"_localtime_js": func(ctx context.Context, mod api.Module, stack []uint64) {
			stateOf(ctx).readClock = true
			writeTm(mod.Memory(), int64(stack[0]), uint32(stack[1]))
		},
		"_tzset_js": func(_ context.Context, mod api.Module, stack []uint64) {
			mem := mod.Memory()
			mem.WriteUint32Le(uint32(stack[0]), 0) // timezone: UTC
			mem.WriteUint32Le(uint32(stack[1]), 0) // daylight: none
			mem.Write(uint32(stack[2]), []byte("UTC\x00"))
			mem.Write(uint32(stack[3]), []byte("UTC\x00"))
		},
		"_setitimer_js": func(_ context.Context, _ api.Module, stack []uint64) {
			stack[0] = 0 // timers never fire: a render is synchronous
		},
		"_emscripten_runtime_keepalive_clear": func(context.Context, api.Module, []uint64) {},
		"environ_sizes_get": func(_ context.Context, mod api.Module, stack []uint64) {
			mod.Memory().WriteUint32Le(uint32(stack[0]), 0)
			mod.Memory().WriteUint32Le(uint32(stack[1]), 0)
			stack[0] = 0
		},
		"environ_get": func(_ context.Context, _ api.Module, stack []uint64) { stack[0] = 0 },
		"fd_close":    func(_ context.Context, _ api.Module, stack []uint64) { stack[0] = 52 }, // ENOSYS
		"fd_seek":     func(_ context.Context, _ api.Module, stack []uint64) { stack[0] = 70 }, // ESPIPE
		"abort": func(context.Context, api.Module, []uint64) {
			panic(&trapError{"abort()"})
		},
		"__assert_fail": func(_ context.Context, mod api.Module, stack []uint64) {
			panic(&trapError{fmt.Sprintf("assertion failed: %s at %s:%d in %s",
				str(mod, uint32(stack[0])), str(mod, uint32(stack[1])), uint32(stack[2]), str(mod, uint32(stack[3])))})
		},
		"proc_exit": func(_ context.Context, _ api.Module, stack []uint64) {
			panic(&trapError{fmt.Sprintf("exit(%d)", uint32(stack[0]))})
		},
		// sandkit registers no host functions, module loader or host refs in
		// QuickJS, so these are never called by a working build.
		"qts_host_call_function": func(context.Context, api.Module, []uint64) {
			panic(&trapError{"call of a host function, but none are registered"})
		},
		"qts_host_free_host_ref":      func(context.Context, api.Module, []uint64) {},
		"qts_host_load_module_source": func(_ context.Context, _ api.Module, stack []uint64) { stack[0] = 0 },
		"qts_host_normalize_module":   func(_ context.Context, _ api.Module, stack []uint64) { stack[0] = 0 },
	}
}

// guestOutput logs what QuickJS writes, a line at a time, within a budget.
func (e *Engine) guestOutput(st *callState, fd uint32, b []byte) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			if len(st.out) < 4096 {
				st.out = append(st.out, b[:min(len(b), 4096-len(st.out))]...)
			}
			return
		}
		st.out = append(st.out, b[:i]...)
		b = b[i+1:]
		if st.logged < maxLogPerCall {
			st.logged += len(st.out)
			e.log.Info("quickjs output", "fd", fd, "line", string(st.out))
		}
		st.out = st.out[:0]
	}
}

// growHeap grows memory to hold at least size bytes, over-growing as
// emscripten's own glue does, and reports whether it could without passing
// limit bytes (0: only the runtime's limit applies).
func growHeap(mem api.Memory, size, limit uint64) bool {
	const page = 65536
	old := uint64(mem.Size())
	if size <= old {
		return true
	}
	if limit == 0 {
		limit = 1 << 32
	}
	if size > limit {
		return false
	}
	for cut := 1.0; cut <= 4; cut *= 2 {
		over := uint64(float64(old) * (1 + 0.2/cut))
		over = min(over, size+96<<20)
		want := max(size, over)
		want = min((want+page-1)/page*page, 1<<31, limit)
		if want <= old {
			continue
		}
		if _, ok := mem.Grow(uint32((want - old) / page)); ok {
			return true
		}
	}
	return false
}

// writeTm fills a C struct tm for the time t (seconds) in UTC.
func writeTm(mem api.Memory, t int64, ptr uint32) {
	tm := time.Unix(t, 0).UTC()
	fields := []int32{
		int32(tm.Second()), int32(tm.Minute()), int32(tm.Hour()), int32(tm.Day()),
		int32(tm.Month()) - 1, int32(tm.Year() - 1900), int32(tm.Weekday()), int32(tm.YearDay() - 1),
		0, // tm_isdst
		0, // tm_gmtoff
	}
	buf := make([]byte, 4*len(fields))
	for i, f := range fields {
		binary.LittleEndian.PutUint32(buf[4*i:], uint32(f))
	}
	mem.Write(ptr, buf)
}

// cString reads a NUL-terminated string of at most limit bytes.
func cString(mem api.Memory, ptr uint32, limit uint32) string {
	b, _ := cBytes(mem, ptr, limit)
	return string(b)
}

// cBytes returns the bytes at ptr up to the first NUL, reading at most
// limit bytes, as a view of guest memory; terminated is false when no NUL
// came before the limit or the end of memory, and for a null or
// out-of-bounds ptr.
func cBytes(mem api.Memory, ptr, limit uint32) (b []byte, terminated bool) {
	size := mem.Size()
	if ptr == 0 || ptr >= size {
		return nil, false
	}
	b, _ = mem.Read(ptr, min(limit, size-ptr))
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i], true
	}
	return b, false
}

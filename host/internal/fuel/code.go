// The instruction walker: copies an expression, re-indexing function
// references and inserting a fuel check after every loop header.

package fuel

import (
	"fmt"
	"math"

	"sandkit.dev/sandkit/internal/wasmbin"
)

// Opcodes the walker treats specially.
const (
	opBlock              = 0x02
	opLoop               = 0x03
	opIf                 = 0x04
	opElse               = 0x05
	opEnd                = 0x0b
	opBrTable            = 0x0e
	opCall               = 0x10
	opReturnCall         = 0x12
	opSelectT            = 0x1c
	opBr                 = 0x0c
	opBrIf               = 0x0d
	opCallIndirect       = 0x11
	opReturnCallIndirect = 0x13
	opLocalTee           = 0x22
	opGlobalGet          = 0x23
	opGlobalSet          = 0x24
	opTableSet           = 0x26
	opI32Const           = 0x41
	opI32LeS             = 0x4c
	opI32Sub             = 0x6b
	opRefNull            = 0xd0
	opRefFunc            = 0xd2
	prefixMisc           = 0xfc
	prefixSIMD           = 0xfd
	prefixAtomic         = 0xfe
	blockTypeEmpty       = 0x40
)

// simdUnassigned lists the opcodes below 0x100 that the fixed-width SIMD
// proposal leaves unassigned.
var simdUnassigned = [...]uint32{
	0x9a, 0xa2, 0xa5, 0xa6, 0xaf, 0xb0, 0xb2, 0xb3, 0xb4, 0xbb,
	0xc2, 0xc5, 0xc6, 0xcf, 0xd0, 0xd2, 0xd3, 0xd4, 0xe2, 0xee,
}

// fuelCheck returns the sequence inserted at a function entry or after
// each loop header:
//
//	global.get F; i32.const charge; i32.sub; global.set F
//	global.get F; i32.const 0; i32.le_s
//	if; call $yield; global.set F; [br 1;] end
//
// With back (a loop header's check, the loop without parameters), br 1
// branches back to the loop header after the yield: the check runs again
// there. It leaves the operand stack as it found it, so it is valid
// anywhere an instruction may start, including inside a loop with
// parameters (without back).
func fuelCheck(global, yield, charge uint32, back bool) []byte {
	var b []byte
	b = append(b, opGlobalGet)
	b = wasmbin.AppendU32(b, global, 0)
	b = append(b, opI32Const)
	b = wasmbin.AppendS32(b, int32(charge))
	b = append(b, opI32Sub, opGlobalSet)
	b = wasmbin.AppendU32(b, global, 0)
	b = append(b, opGlobalGet)
	b = wasmbin.AppendU32(b, global, 0)
	b = append(b, opI32Const, 0, opI32LeS, opIf, blockTypeEmpty, opCall)
	b = wasmbin.AppendU32(b, yield, 0)
	b = append(b, opGlobalSet)
	b = wasmbin.AppendU32(b, global, 0)
	if back {
		b = append(b, opBr, 1)
	}
	return append(b, opEnd)
}

// expr copies one expression from r to dst, up to and including the end that
// closes it. Function indexes in call, return_call and ref.func go through
// w.funcIndex. If check is true a fuel check is inserted after every loop
// header (see loopCheck). fn is the function index for error messages, or
// -1 for a constant expression. With a collector (the analysis pass) it
// records the direct calls and function references it meets.
func (w *rewriter) expr(dst []byte, r *wasmbin.Reader, fn int64, check bool) ([]byte, error) {
	depth := 0
	col := w.col
	if col != nil && fn >= 0 {
		col.blocks = append(col.blocks[:0], -1)
	}
	loop := int32(0) // ordinal of the next loop header in this function
	for {
		start := r.Pos()
		op, err := r.Byte()
		if err != nil {
			return nil, w.codeError(fn, r, start, err)
		}
		switch {
		case op == opBlock || op == opLoop || op == opIf:
			if err := blockType(r); err != nil {
				return nil, w.codeError(fn, r, start, err)
			}
			depth++
			dst = append(dst, r.Since(start)...)
			if col != nil && fn >= 0 {
				inner := col.blocks[len(col.blocks)-1]
				if op == opLoop {
					inner = loop
				}
				col.blocks = append(col.blocks, inner)
				if op == opLoop {
					col.funcs[col.cur].loops++
				}
			}
			if op == opLoop {
				if check {
					w.loopParams = w.blockParams(r.Since(start)[1:])
					dst = append(dst, w.loopCheck(loop)...)
					w.loops++
				}
				loop++
			}
			continue
		case op == opEnd:
			dst = append(dst, op)
			if col != nil && fn >= 0 && len(col.blocks) > 1 {
				col.blocks = col.blocks[:len(col.blocks)-1]
			}
			if depth == 0 {
				return dst, nil
			}
			depth--
			continue
		case op == opCall || op == opReturnCall || op == opRefFunc:
			idx, width, err := r.U32()
			if err != nil {
				return nil, w.codeError(fn, r, start, err)
			}
			if col != nil {
				if op == opRefFunc || fn < 0 {
					col.escape(idx)
				} else {
					f := &col.funcs[col.cur]
					f.sites = append(f.sites, callSite{idx, col.blocks[len(col.blocks)-1]})
				}
			}
			idx, err = w.funcIndex(idx)
			if err != nil {
				return nil, w.codeError(fn, r, start, err)
			}
			dst = append(dst, op)
			dst = wasmbin.AppendU32(dst, idx, width)
			continue
		}
		if w.stateOp == "" && (op == opTableSet || op == prefixMisc) {
			w.stateOp = stateOp(*r, op, fn)
		}
		if err := skipImmediates(r, op); err != nil {
			return nil, w.codeError(fn, r, start, err)
		}
		dst = append(dst, r.Since(start)...)
	}
}

// blockParams reports whether the block type bt (as read by blockType)
// takes parameters, or may: a type index that is out of range or whose
// type has parameters.
func (w *rewriter) blockParams(bt []byte) bool {
	if len(bt) == 0 {
		return true
	}
	if c := bt[0]; c == blockTypeEmpty || isValType(c) || c == refNullable || c == refNonNullable {
		return false
	}
	r := wasmbin.NewReader(bt, 0)
	v, err := r.LEB(5)
	return err != nil || v < 0 || v >= int64(len(w.typeParams)) || w.typeParams[v] > 0
}

func (w *rewriter) codeError(fn int64, r *wasmbin.Reader, start int, err error) error {
	if fn < 0 {
		return fmt.Errorf("constant expression at offset %#x: %w", r.OffAt(start), err)
	}
	return fmt.Errorf("function %d: instruction at offset %#x: %w", fn, r.OffAt(start), err)
}

// blockType skips a block type: empty, a value type, or a type index (s33).
func blockType(r *wasmbin.Reader) error {
	c, ok := r.Peek()
	if !ok {
		return r.Errorf("%w in block type", wasmbin.ErrEOF)
	}
	if c == blockTypeEmpty || isValType(c) || c == refNullable || c == refNonNullable {
		return valTypeOrEmpty(r)
	}
	v, err := r.LEB(5)
	if err != nil {
		return err
	}
	if v < 0 || v > math.MaxUint32 {
		return unsupportedf("block type %#x is not supported (GC proposal?)", c)
	}
	return nil // a type index (multi-value)
}

// Prefixes of the typed reference types (ref null ht) and (ref ht) of the
// function-references proposal.
const (
	refNullable    = 0x63
	refNonNullable = 0x64
)

// isValType reports whether c is a one-byte value type fuel understands:
// numbers, v128, funcref, externref and exnref.
func isValType(c byte) bool {
	switch c {
	case 0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f, 0x69:
		return true
	}
	return false
}

// valType skips a value type: a one-byte type or a typed reference.
func valType(r *wasmbin.Reader) error {
	if c, ok := r.Peek(); ok && c == blockTypeEmpty {
		return unsupportedf("value type %#x is not supported", c)
	}
	return valTypeOrEmpty(r)
}

func valTypeOrEmpty(r *wasmbin.Reader) error {
	c, err := r.Byte()
	if err != nil {
		return err
	}
	switch {
	case c == blockTypeEmpty || isValType(c):
		return nil
	case c == refNullable || c == refNonNullable:
		return heapType(r)
	}
	return unsupportedf("value type %#x is not supported", c)
}

// heapType skips the heap type of a reference: func, extern, exn, or a type
// index. The GC proposal's heap types (any, eq, struct, ...) are refused.
func heapType(r *wasmbin.Reader) error {
	c, ok := r.Peek()
	if !ok {
		return r.Errorf("%w in heap type", wasmbin.ErrEOF)
	}
	v, err := r.LEB(5)
	if err != nil {
		return err
	}
	if v < 0 && !(c == 0x70 || c == 0x6f || c == 0x69) || v > math.MaxUint32 {
		return unsupportedf("heap type %#x is not supported (GC proposal?)", c)
	}
	return nil
}

func memarg(r *wasmbin.Reader) error {
	align, _, err := r.U32()
	if err != nil {
		return err
	}
	if align&0x40 != 0 { // multi-memory: a memory index follows
		if _, _, err := r.U32(); err != nil {
			return err
		}
	}
	_, err = r.LEB(10) // offset: u32, or u64 with memory64
	return err
}

func u32s(r *wasmbin.Reader, n int) error {
	for i := 0; i < n; i++ {
		if _, _, err := r.U32(); err != nil {
			return err
		}
	}
	return nil
}

// skipImmediates skips the immediates of every opcode not handled in expr.
func skipImmediates(r *wasmbin.Reader, op byte) error {
	switch {
	case op == 0x00 || op == 0x01 || op == opElse || op == 0x0f || op == 0x1a || op == 0x1b:
		return nil // unreachable, nop, else, return, drop, select
	case op == 0x0c || op == 0x0d: // br, br_if
		return u32s(r, 1)
	case op == opBrTable:
		n, _, err := r.Count(1)
		if err != nil {
			return err
		}
		return u32s(r, int(n)+1)
	case op == 0x11 || op == 0x13: // call_indirect, return_call_indirect
		return u32s(r, 2)
	case op == opSelectT:
		n, _, err := r.Count(1)
		if err != nil {
			return err
		}
		for i := uint32(0); i < n; i++ {
			if err := valType(r); err != nil {
				return err
			}
		}
		return nil
	case op >= 0x20 && op <= 0x26: // local.*, global.*, table.get, table.set
		return u32s(r, 1)
	case op >= 0x28 && op <= 0x3e: // loads and stores
		return memarg(r)
	case op == 0x3f || op == 0x40: // memory.size, memory.grow
		return u32s(r, 1)
	case op == opI32Const:
		_, err := r.LEB(5)
		return err
	case op == 0x42: // i64.const
		_, err := r.LEB(10)
		return err
	case op == 0x43: // f32.const
		_, err := r.Bytes(4)
		return err
	case op == 0x44: // f64.const
		_, err := r.Bytes(8)
		return err
	case op >= 0x45 && op <= 0xc4: // numeric, including sign extension
		return nil
	case op == opRefNull:
		return heapType(r)
	case op == 0xd1: // ref.is_null
		return nil
	case op == prefixMisc:
		return miscImmediates(r)
	case op == prefixSIMD:
		return simdImmediates(r)
	case op == prefixAtomic:
		return atomicImmediates(r)
	case op >= 0x06 && op <= 0x0a, op == 0x18, op == 0x19, op == 0x1f:
		return unsupportedf("opcode %#x belongs to the exception-handling proposal, which fuel does not support", op)
	case op == 0x14, op == 0x15, op >= 0xd3 && op <= 0xd6, op == 0xfb:
		return unsupportedf("opcode %#x belongs to the GC or function-references proposal, which fuel does not support", op)
	}
	return unsupportedf("unknown opcode %#x", op)
}

func miscImmediates(r *wasmbin.Reader) error {
	sub, _, err := r.U32()
	if err != nil {
		return err
	}
	switch {
	case sub <= 7: // saturating truncations
		return nil
	case sub == 8: // memory.init data mem
		return u32s(r, 2)
	case sub == 9: // data.drop
		return u32s(r, 1)
	case sub == 10: // memory.copy mem mem
		return u32s(r, 2)
	case sub == 11: // memory.fill mem
		return u32s(r, 1)
	case sub == 12: // table.init elem table
		return u32s(r, 2)
	case sub == 13: // elem.drop
		return u32s(r, 1)
	case sub == 14: // table.copy table table
		return u32s(r, 2)
	case sub >= 15 && sub <= 17: // table.grow, table.size, table.fill
		return u32s(r, 1)
	}
	return unsupportedf("unknown opcode 0xfc %#x", sub)
}

func simdImmediates(r *wasmbin.Reader) error {
	sub, _, err := r.U32()
	if err != nil {
		return err
	}
	switch {
	case sub <= 11, sub == 0x5c, sub == 0x5d: // loads, store, load zero
		return memarg(r)
	case sub == 12 || sub == 13: // v128.const, i8x16.shuffle
		_, err := r.Bytes(16)
		return err
	case sub >= 0x15 && sub <= 0x22: // extract_lane, replace_lane
		_, err := r.Byte()
		return err
	case sub >= 0x54 && sub <= 0x5b: // load_lane, store_lane
		if err := memarg(r); err != nil {
			return err
		}
		_, err := r.Byte()
		return err
	case sub <= 0xff:
		for _, u := range simdUnassigned {
			if sub == u {
				return unsupportedf("unknown opcode 0xfd %#x", sub)
			}
		}
		return nil
	}
	return unsupportedf("unknown or unsupported opcode 0xfd %#x (relaxed SIMD?)", sub)
}

func atomicImmediates(r *wasmbin.Reader) error {
	sub, _, err := r.U32()
	if err != nil {
		return err
	}
	switch {
	case sub <= 2, sub >= 0x10 && sub <= 0x4e: // notify, wait, loads, stores, rmw
		return memarg(r)
	case sub == 3: // atomic.fence
		_, err := r.Byte()
		return err
	}
	return unsupportedf("unknown opcode 0xfe %#x", sub)
}

// unsupportedError is a refusal of something fuel does not know or support,
// as opposed to a module that is cut short or inconsistent. The fuzz target
// tells them apart.
type unsupportedError struct{ msg string }

func (e *unsupportedError) Error() string { return e.msg }

func unsupportedf(format string, args ...any) error {
	return &unsupportedError{fmt.Sprintf(format, args...)}
}

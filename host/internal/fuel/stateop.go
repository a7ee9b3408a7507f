// StateOp: the walker's other use, finding the instructions that change an
// instance's state outside its memory and globals.

package fuel

import (
	"fmt"

	"sandkit.dev/sandkit/internal/wasmbin"
)

// StateOp returns the first instruction of wasm's code that changes
// instance state other than linear memory and globals — a table
// (table.set, table.grow, table.fill, table.copy, table.init) or the
// dropped state of a segment (data.drop, elem.drop) — as "table.set in
// function 12", or "" if there is none. An instance whose code has none
// has, after any run, the tables and segments instantiation gave it, so
// its memory and mutable globals are its whole state: a snapshot of those
// is a sound restore point. It walks the module as Instrument does and
// refuses the same modules.
func StateOp(wasm []byte) (string, error) {
	secs, err := splitSections(wasm)
	if err != nil {
		return "", fmt.Errorf("fuel: %w", err)
	}
	w := &rewriter{}
	for _, s := range secs {
		if err := w.scan(s); err != nil {
			return "", fmt.Errorf("fuel: %s section: %w", wasmbin.SectionName(s.ID), err)
		}
	}
	for _, s := range secs {
		if s.ID != wasmbin.SecCode {
			continue
		}
		if _, err := w.code(wasmbin.NewReader(s.Payload, s.Off)); err != nil {
			return "", fmt.Errorf("fuel: code section: %w", err)
		}
	}
	return w.stateOp, nil
}

// stateOp names the instruction at r (its opcode op already read) if it
// changes a table or drops a segment, or returns "". r is a copy: reading
// it does not move the walker.
func stateOp(r wasmbin.Reader, op byte, fn int64) string {
	name := ""
	if op == opTableSet {
		name = "table.set"
	} else if sub, _, err := r.U32(); err == nil {
		switch sub {
		case 9:
			name = "data.drop"
		case 12:
			name = "table.init"
		case 13:
			name = "elem.drop"
		case 14:
			name = "table.copy"
		case 15:
			name = "table.grow"
		case 17:
			name = "table.fill"
		}
	}
	if name == "" {
		return ""
	}
	return fmt.Sprintf("%s in function %d", name, fn)
}

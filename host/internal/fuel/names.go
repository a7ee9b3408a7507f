// Re-indexing of the custom "name" section after the yield import moves
// defined functions up by one.

package fuel

import "sandkit.dev/sandkit/internal/wasmbin"

// Name subsections that are keyed by function index.
const (
	nameFunctions = 1 // namemap: funcidx -> name
	nameLocals    = 2 // indirect namemap: funcidx -> (localidx -> name)
	nameLabels    = 3 // indirect namemap: funcidx -> (labelidx -> name)
)

// names rewrites the name section's subsections from r (positioned after the
// section's own name). ok is false if the section does not parse, in which
// case the caller drops it: it is debug information only.
func (w *rewriter) names(r *wasmbin.Reader) (p []byte, ok bool) {
	for !r.Done() {
		id, err := r.Byte()
		if err != nil {
			return nil, false
		}
		size, sw, err := r.U32()
		if err != nil {
			return nil, false
		}
		sub, err := r.Bytes(size)
		if err != nil {
			return nil, false
		}
		var out []byte
		switch id {
		case nameFunctions:
			out, ok = w.nameMap(wasmbin.NewReader(sub, 0), false)
		case nameLocals, nameLabels:
			out, ok = w.nameMap(wasmbin.NewReader(sub, 0), true)
		default:
			out, ok = sub, true
		}
		if !ok {
			return nil, false
		}
		p = append(p, id)
		p = wasmbin.AppendU32(p, uint32(len(out)), sw)
		p = append(p, out...)
	}
	return p, true
}

// nameMap re-indexes the function indexes of a namemap, or of an indirect
// namemap whose inner maps are copied as they are.
func (w *rewriter) nameMap(r *wasmbin.Reader, indirect bool) ([]byte, bool) {
	n, width, err := r.Count(2)
	if err != nil {
		return nil, false
	}
	p := wasmbin.AppendU32(nil, n, width)
	for i := uint32(0); i < n; i++ {
		idx, iw, err := r.U32()
		if err != nil {
			return nil, false
		}
		if idx, err = w.funcIndex(idx); err != nil {
			return nil, false
		}
		p = wasmbin.AppendU32(p, idx, iw)
		start := r.Pos()
		if indirect {
			m, _, err := r.Count(2)
			if err != nil {
				return nil, false
			}
			for j := uint32(0); j < m; j++ {
				if _, _, err := r.U32(); err != nil {
					return nil, false
				}
				if _, err := r.Name(); err != nil {
					return nil, false
				}
			}
		} else if _, err := r.Name(); err != nil {
			return nil, false
		}
		p = append(p, r.Since(start)...)
	}
	return p, r.Done()
}

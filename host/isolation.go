// Isolation: isolation = "request" (spec/config.md) gives every request of a
// reactor guest a fresh instance, restored from a restore point (a
// copy-on-write image of the guest's memory and the values of its mutable
// globals, taken once, right after its initialisation) and closed after
// the request, so nothing a request leaves in the guest reaches another.
// spec/RATIONALE.md ("A fresh instance per request") says why memory and
// globals are the whole state and what the guest sees differently.

package host

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/internal/fuel"
	"sandkit.dev/sandkit/internal/linearmem"
	"sandkit.dev/sandkit/internal/snapwasm"
)

// isolated is what a Module under request isolation keeps to restore
// instances: the names of its mutable globals (exported by
// snapwasm.Prepare) and, once taken, the restore point.
type isolated struct {
	globals []string
	data    []snapwasm.Segment // the module's data, until the restore point is taken

	mu     sync.RWMutex // restores read point; retiring the module frees it
	point  *restorePoint
	closed bool
}

// restorePoint is an instance's state right after initialisation.
type restorePoint struct {
	img    *linearmem.Image // its linear memory
	pages  uint32
	values []uint64 // of isolated.globals, in order
}

// prepareIsolated rewrites a reactor module for restoring (snapwasm), or
// returns wasm unchanged and nil for a module that is not a reactor: a
// command guest already gets an instance per request. A reactor whose
// code changes state a restore point cannot hold is refused.
func prepareIsolated(wasm []byte) ([]byte, *isolated, error) {
	out, info, err := snapwasm.Prepare(wasm)
	if err != nil {
		return nil, nil, fmt.Errorf("not a valid module: %w", err)
	}
	if !slices.Contains(info.Exports, abi.ExportHandle) {
		return wasm, nil, nil
	}
	op, err := fuel.StateOp(wasm)
	if err != nil {
		return nil, nil, fmt.Errorf("not a valid module: %w", err)
	}
	if op != "" {
		return nil, nil, fmt.Errorf(`isolation = "request": the module's code has %s, which changes instance state outside memory and globals that a restored instance would not have (spec/RATIONALE.md, "A fresh instance per request")
hint: use isolation = "pool" for this app`, op)
	}
	return out, &isolated{globals: info.Globals, data: info.Data}, nil
}

// takeRestorePoint initialises an instance and keeps its state as the
// restore point, once; later calls return at once.
func (m *Module) takeRestorePoint(ctx context.Context) error {
	iso := m.iso
	iso.mu.Lock()
	defer iso.mu.Unlock()
	if iso.closed {
		return errClosed
	}
	if iso.point != nil {
		return nil
	}
	mem, ok := m.compiled.ExportedMemories()["memory"]
	if !ok {
		return fmt.Errorf("%s: does not export its memory", m.name)
	}
	size := uint64(mem.Min()) * 65536
	for _, d := range iso.data {
		if uint64(d.Offset)+uint64(len(d.Bytes)) > size {
			return fmt.Errorf("%s: instantiate: data segment at %#x of %d bytes past the initial memory of %d bytes", m.name, d.Offset, len(d.Bytes), size)
		}
	}
	// The first instance starts from the module's data, laid out as
	// instantiation would have written it.
	start, err := linearmem.NewImage(size, func(w []byte) error {
		for _, d := range iso.data {
			copy(w[d.Offset:], d.Bytes)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: %w", m.name, err)
	}
	defer start.Close()
	inst, err := m.instantiateFrom(ctx, &restorePoint{img: start, pages: uint32(size / 65536)}, nil)
	if err != nil {
		return err
	}
	defer inst.close()
	if err := m.initialize(ctx, inst); err != nil {
		return err
	}
	memory := inst.mod.Memory()
	view, ok := memory.Read(0, memory.Size())
	if !ok {
		return fmt.Errorf("%s: reading linear memory", m.name)
	}
	img, err := linearmem.ImageOf(view)
	if err != nil {
		return fmt.Errorf("%s: %w", m.name, err)
	}
	p := &restorePoint{img: img, pages: memory.Size() / 65536}
	for _, name := range iso.globals {
		g := inst.mod.ExportedGlobal(name)
		if g == nil {
			img.Close()
			return fmt.Errorf("%s: global %s is not exported", m.name, name)
		}
		p.values = append(p.values, g.Get())
	}
	iso.point = p
	iso.data = nil // in the image now; the module's bytes need not be kept
	m.sb.log.Debug("restore point taken", "module", m.name, "version", m.version, "pages", p.pages)
	return nil
}

// restore makes an instance in the state of the restore point.
func (m *Module) restore(ctx context.Context) (*instance, error) {
	iso := m.iso
	iso.mu.RLock()
	defer iso.mu.RUnlock()
	if iso.closed {
		return nil, errClosed
	}
	if iso.point == nil {
		return nil, fmt.Errorf("%s: no restore point", m.name)
	}
	return m.instantiateFrom(ctx, iso.point, iso.point.values)
}

// instantiateFrom instantiates m with p's image as its memory (mapped
// copy-on-write where linearmem maps images, copied elsewhere) and sets its
// mutable globals to values (none: left as instantiation set them).
func (m *Module) instantiateFrom(ctx context.Context, p *restorePoint, values []uint64) (*instance, error) {
	if a := linearmem.New(p.img); a != nil {
		ctx = experimental.WithMemoryAllocator(ctx, a)
	}
	out := m.logWriter()
	mod, err := m.sb.instantiate(ctx, m, m.reactorConfig(out))
	if err != nil {
		if mod != nil {
			m.sb.closeInstance(m, mod)
		}
		return nil, fmt.Errorf("%s: instantiate: %w", m.name, err)
	}
	inst := &instance{m: m, mod: mod, handle: mod.ExportedFunction(abi.ExportHandle), out: out, pages: p.pages}
	fail := func(err error) (*instance, error) {
		inst.close()
		return nil, fmt.Errorf("%s: restoring: %w", m.name, err)
	}
	mem := mod.Memory()
	if cur := mem.Size() / 65536; cur < p.pages {
		if _, ok := mem.Grow(p.pages - cur); !ok {
			return fail(fmt.Errorf("growing memory to %d pages", p.pages))
		}
	}
	if !linearmem.Maps && !mem.Write(0, p.img.View()) {
		return fail(fmt.Errorf("writing %d bytes of memory", len(p.img.View())))
	}
	for i, v := range values {
		g, ok := mod.ExportedGlobal(m.iso.globals[i]).(api.MutableGlobal)
		if !ok {
			return fail(fmt.Errorf("global %s is not mutable", m.iso.globals[i]))
		}
		g.Set(v)
	}
	return inst, nil
}

// reset returns inst, after a request that ended well, to the restore
// point in place: its memory becomes the image again (the pages the request
// wrote are dropped) and its mutable globals the restore point's values.
// With the tables unchanged (prepareIsolated) and the descriptor table
// unchangeable (wasi.go), that is the whole state a restore would give,
// without instantiating. It reports false when inst cannot be reset (its
// memory grew, which wasm cannot undo, or the module is retired): the
// caller closes it.
func (m *Module) reset(inst *instance) bool {
	iso := m.iso
	iso.mu.RLock()
	defer iso.mu.RUnlock()
	p := iso.point
	if iso.closed || p == nil {
		return false
	}
	mem := inst.mod.Memory()
	if mem.Size() != p.pages*65536 {
		return false
	}
	buf, ok := mem.Read(0, mem.Size())
	if !ok || p.img.Revert(buf) != nil {
		return false
	}
	for i, v := range p.values {
		g, ok := inst.mod.ExportedGlobal(iso.globals[i]).(api.MutableGlobal)
		if !ok {
			return false
		}
		g.Set(v)
	}
	inst.out.reset()
	return true
}

// closeIsolated frees the restore point; restores fail with errClosed from
// then on. Instances restored from it keep their mapping.
func (iso *isolated) close() {
	iso.mu.Lock()
	defer iso.mu.Unlock()
	iso.closed = true
	if iso.point != nil {
		iso.point.img.Close()
		iso.point = nil
	}
}

// Snapshots: the linear memory and mutable globals of a warmed instance,
// from which new instances start already warm, without evaluating the
// bundle again, and to which an instance is reset after every render.

package pages

import (
	"context"
	"fmt"

	"github.com/tetratelabs/wazero/api"
)

type snapshot struct {
	img     *memImage
	pages   uint32
	globals []uint64 // values of Engine.info.mutableGlobals
	lay     layout
}

func (e *Engine) takeSnapshot(in *instance) (*snapshot, error) {
	buf, ok := in.mem.Read(0, in.mem.Size())
	if !ok {
		return nil, fmt.Errorf("reading linear memory")
	}
	s := &snapshot{pages: in.mem.Size() / 65536, lay: in.lay}
	for _, name := range e.info.mutableGlobals {
		g := in.mod.ExportedGlobal(name)
		if g == nil {
			return nil, fmt.Errorf("global %s is not exported", name)
		}
		s.globals = append(s.globals, g.Get())
	}
	img, err := newMemImage(buf)
	if err != nil {
		return nil, err
	}
	s.img = img
	return s, nil
}

// restore creates an instance in the state of the snapshot.
func (e *Engine) restore(ctx context.Context, s *snapshot) (*instance, error) {
	in, err := e.instantiate(ctx, s.img.allocator())
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*instance, error) {
		in.close(ctx)
		return nil, fmt.Errorf("restoring a snapshot: %w", err)
	}
	if cur := in.mem.Size() / 65536; s.pages > cur {
		if _, ok := in.mem.Grow(s.pages - cur); !ok {
			return fail(fmt.Errorf("growing memory to %d pages", s.pages))
		}
	}
	if s.img.mapped() {
		// Instantiation wrote the data segments over the mapped image.
		for _, d := range e.info.data {
			in.mem.Write(d.offset, s.img.view[d.offset:d.offset+d.length])
		}
	} else {
		in.mem.Write(0, s.img.view)
	}
	for i, name := range e.info.mutableGlobals {
		g, ok := in.mod.ExportedGlobal(name).(api.MutableGlobal)
		if !ok {
			return fail(fmt.Errorf("global %s is not mutable", name))
		}
		g.Set(s.globals[i])
	}
	in.lay = s.lay
	in.from = s
	return in, nil
}

// reset returns in, in place, to the state of s: its linear memory and
// mutable globals become the snapshot's again, so nothing a render wrote
// survives it. That is the whole state of a QuickJS instance: the build
// has no table-changing or passive-segment instructions (RATIONALE.md,
// "Pristine renders"), and the host functions keep nothing between calls.
// It fails when the memory has grown past the snapshot's size (wasm memory
// cannot shrink); the caller then replaces the instance.
func (e *Engine) reset(in *instance, s *snapshot) error {
	size := in.mem.Size()
	if size != s.pages*65536 {
		return fmt.Errorf("memory grew from %d to %d pages since the snapshot", s.pages, size/65536)
	}
	mem, ok := in.mem.Read(0, size)
	if !ok {
		return fmt.Errorf("reading linear memory")
	}
	if in.from == s && s.img.mapped() {
		// The memory maps the image copy-on-write: only the pages the
		// render wrote differ from it. Copy the image back over those, or,
		// if the kernel does not say which they are, drop them all.
		if err := s.img.revertWritten(mem); err != nil {
			if err := s.img.revert(mem); err != nil {
				return err
			}
		}
	} else {
		copy(mem, s.img.view)
	}
	for i, name := range e.info.mutableGlobals {
		g, ok := in.mod.ExportedGlobal(name).(api.MutableGlobal)
		if !ok {
			return fmt.Errorf("global %s is not mutable", name)
		}
		g.Set(s.globals[i])
	}
	in.lay = s.lay
	return nil
}

func (s *snapshot) free() { s.img.free() }

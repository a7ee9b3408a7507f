//go:build !linux

// Linear memory elsewhere than Linux: wazero's default allocator, and a
// snapshot kept as a Go byte slice copied into each restored instance.

package pages

import "github.com/tetratelabs/wazero/experimental"

func reserveAllocator() experimental.MemoryAllocator { return nil }

type memImage struct {
	size uint64
	view []byte
}

func newMemImage(mem []byte) (*memImage, error) {
	return &memImage{size: uint64(len(mem)), view: append([]byte(nil), mem...)}, nil
}

func buildMemImage(size uint64, fill func(w []byte) error) (*memImage, error) {
	img := &memImage{size: size, view: make([]byte, size)}
	if err := fill(img.view); err != nil {
		return nil, err
	}
	return img, nil
}

func (img *memImage) allocator() experimental.MemoryAllocator { return nil }
func (img *memImage) mapped() bool                            { return false }
func (img *memImage) free()                                   { img.view = nil }

// revert is never called: no memory maps the image (mapped is false).
func (img *memImage) revert(mem []byte) error { copy(mem, img.view); return nil }

func (img *memImage) revertWritten(mem []byte) error { copy(mem, img.view); return nil }

//go:build !linux

package linearmem

import (
	"fmt"

	"github.com/tetratelabs/wazero/experimental"
)

// Image is memory to start from; only Linux maps one.
type Image struct {
	FD   int
	Size uint64

	view []byte
}

// New returns nil: wazero's default allocator.
func New(img *Image) experimental.MemoryAllocator { return nil }

// NewImage makes an image of size bytes: here a copy in the Go heap, which
// a memory must be written from (Maps is false).
func NewImage(size uint64, fill func(w []byte) error) (*Image, error) {
	img := &Image{FD: -1, Size: size, view: make([]byte, size)}
	if err := fill(img.view); err != nil {
		return nil, err
	}
	return img, nil
}

// View is the image's bytes, read-only.
func (img *Image) View() []byte { return img.view }

// Close releases the image.
func (img *Image) Close() { img.view = nil }

// Maps says whether New maps images: false here.
const Maps = false

// Revert copies the image over mem, which must be as large.
func (img *Image) Revert(mem []byte) error {
	if uint64(len(mem)) != img.Size {
		return fmt.Errorf("memory of %d bytes, image of %d", len(mem), img.Size)
	}
	copy(mem, img.view)
	return nil
}

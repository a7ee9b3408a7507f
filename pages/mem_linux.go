// Linear memory for QuickJS instances on Linux: the maximum is reserved as
// address space up front (growth never copies; a memory bomb costs only
// what it touched), and a restored instance maps its snapshot copy-on-write
// from a memfd, so it shares every page it does not write. The machinery is
// internal/linearmem's, shared with the host's isolation = "request".

package pages

import (
	"github.com/tetratelabs/wazero/experimental"

	"sandkit.dev/sandkit/internal/linearmem"
)

func reserveAllocator() experimental.MemoryAllocator { return linearmem.New(nil) }

// memImage is a snapshot of linear memory in a sealed memfd, with a
// read-only view of it.
type memImage struct {
	img  *linearmem.Image
	fd   int
	size uint64
	view []byte
}

func newMemImage(mem []byte) (*memImage, error) {
	// Only pages with data are written: the rest stay holes in the memfd,
	// read as zeros and cost no memory (a warmed React app: ~3.7 of 16.8 MB).
	img, err := linearmem.ImageOf(mem)
	if err != nil {
		return nil, err
	}
	return wrapImage(img), nil
}

// buildMemImage makes an image of size bytes, zeros but for what fill
// writes into w (which it must not keep); fill's error is returned.
func buildMemImage(size uint64, fill func(w []byte) error) (*memImage, error) {
	img, err := linearmem.NewImage(size, fill)
	if err != nil {
		return nil, err
	}
	return wrapImage(img), nil
}

func wrapImage(img *linearmem.Image) *memImage {
	return &memImage{img: img, fd: img.FD, size: img.Size, view: img.View()}
}

// allocator returns the allocator that maps the image copy-on-write.
func (img *memImage) allocator() experimental.MemoryAllocator { return linearmem.New(img.img) }

// mapped says whether instances from allocator() already hold the image.
func (img *memImage) mapped() bool { return true }

// revert discards every page of mem (a memory from allocator(), as large
// as the image) that was written since it was mapped: the kernel drops the
// private copies, and the next access maps the image's page again. It is
// the fallback of revertWritten: correct whatever the kernel lets us read,
// but the next render takes a page fault for every page it touches (+4%
// on the React benchmark page, against +0–2% for revertWritten).
func (img *memImage) revert(mem []byte) error { return img.img.DropWritten(mem) }

// revertWritten copies the image back over exactly the pages of mem that
// were written (linearmem.Image.RevertWritten): the pages stay mapped, so
// the next render takes no page faults for them.
func (img *memImage) revertWritten(mem []byte) error { return img.img.RevertWritten(mem) }

func (img *memImage) free() {
	if img.img != nil {
		img.img.Close()
		img.img = nil
	}
	img.view = nil
	img.fd = -1
}

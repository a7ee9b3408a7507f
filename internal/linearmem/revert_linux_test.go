package linearmem

import "testing"

// The fallback of Revert, where the page table cannot be read.
func TestDropWritten(t *testing.T) {
	const size = 4 << 16
	img, err := NewImage(size, func(w []byte) error { w[10] = 1; return nil })
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	m := New(img).Allocate(0, size)
	defer m.Free()
	mem := m.Reallocate(size)
	mem[10], mem[2<<16] = 5, 5
	if err := img.DropWritten(mem); err != nil {
		t.Fatal(err)
	}
	if mem[10] != 1 || mem[2<<16] != 0 {
		t.Fatalf("after DropWritten: %d %d, want 1 0", mem[10], mem[2<<16])
	}
}

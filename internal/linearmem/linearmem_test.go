package linearmem_test

import (
	"runtime"
	"testing"

	"sandkit.dev/sandkit/internal/linearmem"
)

func TestGrowWithinReservation(t *testing.T) {
	a := linearmem.New(nil)
	if a == nil {
		if runtime.GOOS == "linux" {
			t.Fatal("no allocator on Linux")
		}
		t.Skip("wazero's default allocator outside Linux")
	}
	m := a.Allocate(0, 4<<16)
	defer m.Free()
	b := m.Reallocate(1 << 16)
	if len(b) != 1<<16 {
		t.Fatalf("len %d", len(b))
	}
	b[100] = 7
	b2 := m.Reallocate(3 << 16)
	if &b2[0] != &b[0] || b2[100] != 7 {
		t.Fatal("growth moved or lost the memory")
	}
	b2[3<<16-1] = 1 // writable up to the new size
	if m.Reallocate(5<<16) != nil {
		t.Fatal("grew past the reservation")
	}
}

func TestImageRevert(t *testing.T) {
	const size = 8 << 16
	img, err := linearmem.NewImage(size, func(w []byte) error {
		w[5] = 1
		w[3<<16+7] = 2 // pages between stay holes
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	if v := img.View(); v[5] != 1 || v[3<<16+7] != 2 || v[1<<16] != 0 {
		t.Fatal("view does not show the image")
	}
	a := linearmem.New(img)
	if a == nil {
		t.Skip("no mapped images here")
	}
	m := a.Allocate(0, 16<<16)
	defer m.Free()
	mem := m.Reallocate(size)
	if mem[5] != 1 || mem[3<<16+7] != 2 {
		t.Fatal("the memory does not start as the image")
	}
	for round := range 3 {
		mem[5], mem[1<<16], mem[size-1] = 9, 9, 9 // an image page, a hole, the last page
		if err := img.Revert(mem); err != nil {
			t.Fatal(err)
		}
		if mem[5] != 1 || mem[1<<16] != 0 || mem[size-1] != 0 || mem[3<<16+7] != 2 {
			t.Fatalf("round %d: reverted memory differs from the image", round)
		}
	}
	if err := img.Revert(mem[:size-4096]); err == nil {
		t.Error("reverted a memory of another size")
	}
}

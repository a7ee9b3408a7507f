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

package pages

import (
	"context"
	"testing"

	"golang.org/x/sys/unix"
)

// TestSnapshotIsSparse: the memfd holds only the pages that have data, so
// an app's snapshot costs what its heap uses, not the whole linear memory.
func TestSnapshotIsSparse(t *testing.T) {
	ctx := context.Background()
	input := listPage(t, 100)
	r, err := testEngine(t).Load(ctx, "sparse", reactBundle(t), WithWarmup(input), WithInstances(1))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(ctx)
	var st unix.Stat_t
	if err := unix.Fstat(r.snap.img.fd, &st); err != nil {
		t.Fatal(err)
	}
	t.Logf("snapshot: %d bytes of linear memory, %d allocated", st.Size, st.Blocks*512)
	if st.Blocks*512 > st.Size/2 {
		t.Errorf("snapshot allocates %d of %d bytes", st.Blocks*512, st.Size)
	}
	// And a restored instance still renders the same page.
	want := nodeRender(t, reactBundle(t), input)[0]
	if got, err := r.Render(ctx, input); err != nil || string(got) != want {
		t.Errorf("render after restore: %v (same as Node: %v)", err, string(got) == want)
	}
}

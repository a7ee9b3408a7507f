package host_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"

	"sandkit.dev/sandkit/host/internal/cguest"
)

// TestCGuestDatabase runs a C guest written from spec/abi.md §9 alone.
func TestCGuestDatabase(t *testing.T) {
	if _, err := exec.LookPath("clang"); err != nil {
		t.Skip("needs clang for wasm32-wasi")
	}
	wasm := filepath.Join(t.TempDir(), "db.wasm")
	srcs := []string{filepath.Join("..", "guest-sdk", "c", "sandkit.c"), filepath.Join("testdata", "dbguest", "db.c")}
	if err := cguest.Build(context.Background(), srcs, wasm, true); err != nil {
		t.Fatal(err)
	}
	_, srv := serveApp(t, appDir(t, map[string]string{"cdb": wasm}, ""))
	r := do(t, "GET", srv.URL+"/cdb", "")
	want := `create: exec rows_affected=0 last_insert_id=0
insert: exec rows_affected=1 last_insert_id=1
duplicate: error code=1555 sqlstate=23505 message=UNIQUE constraint failed: kv.k
begin: ok
insert in tx: exec rows_affected=1 last_insert_id=2
rollback: ok
commit without tx: error code=21 sqlstate=25000 message=COMMIT without a transaction
select: columns k/TEXT v/INTEGER f/REAL b/BLOB n/TEXT t/TIMESTAMP next/
  row 'a' -42 f:150/100 x'00ff' NULL time:1000000000 -41
attach: error code=23 sqlstate=42501 message=ATTACH, DETACH and VACUUM INTO are not allowed: an app has exactly one database
bad flags: import returned -3
bad args: import returned -3
`
	if r.status != 200 || r.body != want {
		t.Errorf("got %d\n%s\nwant\n%s", r.status, r.body, want)
	}
}

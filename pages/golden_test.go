package pages

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.html from Node's rendering")

// TestGoldenMatchesNode renders the fixture app's pages in QuickJS and in
// Node from the same bundle and input, and wants the same bytes. The Node
// output is also kept in testdata/golden for review; -update rewrites it.
func TestGoldenMatchesNode(t *testing.T) {
	ctx := context.Background()
	bundle := reactBundle(t)
	inputs := goldenInputs(t)
	names := make([]string, 0, len(inputs))
	for n := range inputs {
		names = append(names, n)
	}
	sort.Strings(names)
	ordered := make([][]byte, len(names))
	for i, n := range names {
		ordered[i] = inputs[n]
	}
	want := nodeRender(t, bundle, ordered...)

	r, err := testEngine(t).Load(ctx, "app/server.js", bundle)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(ctx)
	for i, n := range names {
		t.Run(n, func(t *testing.T) {
			got, err := r.Render(ctx, inputs[n])
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != want[i] {
				t.Errorf("QuickJS and Node differ\nquickjs: %q\nnode:    %q", got, want[i])
			}
			golden := filepath.Join("testdata", "golden", n+".html")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(want[i]), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			stored, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./pages -run Golden -update)", err)
			}
			if string(stored) != string(got) {
				t.Errorf("%s differs from the render; review and rerun with -update", golden)
			}
		})
	}
}

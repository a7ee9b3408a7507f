// Test helpers: the React fixture app (installed by the deps step, see npmfixture;
// bundled with esbuild's Go API), page inputs, and one shared engine.

package pages

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"sandkit.dev/sandkit/internal/reactfixture"
)

const appDir = "testdata/app"

// reactBundle returns the fixture app bundled as a classic script (IIFE).
// node_modules comes from the deps step (npmfixture): Node and npm
// are required, as in CI.
func reactBundle(t testing.TB) []byte {
	t.Helper()
	js, err := reactfixture.Bundle(appDir)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// listPage is the benchmark page: layout, nav, sidebar and n item cards.
func listPage(t testing.TB, n int) []byte {
	return mustJSON(t, Input{Route: "list", URL: "/items?page=1", Data: reactfixture.ListData(n)})
}

func goldenInputs(t testing.TB) map[string][]byte {
	return map[string][]byte{
		"list-100": listPage(t, 100),
		"list-0":   listPage(t, 0),
		"item": mustJSON(t, Input{Route: "item", URL: "/items/7", Params: map[string]string{"id": "7"},
			Data: mustJSON(t, map[string]any{"item": reactfixture.MakeItem(7)})}),
		"awkward": mustJSON(t, Input{Route: "awkward", URL: "/about",
			Data: mustJSON(t, map[string]any{
				"text": "<script>alert('x')</script> & \"quotes\" ' \u00a0 \u2028 \u2029 ünïcødé 日本語",
				"attr": "a \"b\" <c> & 'd'", "html": "<b>bold</b>", "emoji": "😀👍🏽", "tags": []string{"a&b", "<c>"},
			})}),
	}
}

var (
	engineOnce sync.Once
	sharedEng  *Engine
	engineErr  error
)

// testEngine is one engine for the tests that need no special options.
func testEngine(t testing.TB) *Engine {
	t.Helper()
	engineOnce.Do(func() { sharedEng, engineErr = NewEngine(context.Background()) })
	if engineErr != nil {
		t.Fatal(engineErr)
	}
	return sharedEng
}

// nodeRender renders inputs with the bundle in Node (testdata/app/node-render.cjs).
func nodeRender(t testing.TB, bundle []byte, inputs ...[]byte) []string {
	t.Helper()
	dir := t.TempDir()
	bf := filepath.Join(dir, "bundle.js")
	if err := os.WriteFile(bf, bundle, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{filepath.Join(appDir, "node-render.cjs"), bf}
	for i, in := range inputs {
		f := filepath.Join(dir, fmt.Sprintf("in%d.json", i))
		if err := os.WriteFile(f, in, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, f)
	}
	out, err := exec.Command("node", args...).Output()
	if err != nil {
		t.Fatalf("node %v: %v (Node 20 is required)", args, err)
	}
	var res []string
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("node output: %v", err)
	}
	return res
}

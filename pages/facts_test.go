package pages

import (
	"context"
	"testing"
)

// A render that reads the time says so, and only then: the host's render
// cache relies on it.
func TestRenderFactsReadClock(t *testing.T) {
	ctx := context.Background()
	bundle := []byte(`globalThis.__sandkit_render = function (s) {
  const i = JSON.parse(s);
  switch (i.route) {
  case "date": return String(Date.now());
  case "new-date": return new Date().toISOString();
  case "perf": return String(performance.now());
  case "local": return new Date(0).getHours() + "";
  case "random": return String(Math.random());
  default: return "<p>" + i.route + "</p>" + JSON.stringify(i.data) + [3, 1, 2].sort().join();
  }
};`)
	r, err := testEngine(t).Load(ctx, "facts", bundle)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(ctx)
	// A React render too: it must not read the clock on its own.
	react, err := testEngine(t).Load(ctx, "facts-react", reactBundle(t))
	if err != nil {
		t.Fatal(err)
	}
	defer react.Close(ctx)
	for _, c := range []struct {
		r     *Renderer
		input string
		clock bool
	}{
		{r, `{"route":"pure","data":{"x":1}}`, false},
		{r, `{"route":"random"}`, false},
		{r, `{"route":"date"}`, true},
		{r, `{"route":"new-date"}`, true},
		{r, `{"route":"perf"}`, true},
		{r, `{"route":"pure","data":null}`, false},
		{react, string(listPage(t, 20)), false},
	} {
		_, facts, err := c.r.RenderInfo(ctx, []byte(c.input))
		if err != nil {
			t.Fatalf("%s: %v", c.input, err)
		}
		if facts.ReadClock != c.clock {
			t.Errorf("%.40s: ReadClock = %v, want %v", c.input, facts.ReadClock, c.clock)
		}
	}
}

package compiler

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/evanw/esbuild/pkg/api"
)

// The URL classes injected into server bundles parse like Node's (WHATWG)
// for the URLs pages render.
func TestPagesURLPolyfillMatchesNode(t *testing.T) {
	harness := `import { URL as P, URLSearchParams as PS } from "sandkit/client/polyfill";
const cases = JSON.parse(process.argv[process.argv.length - 1]);
const pick = (u) => [u.href, u.protocol, u.host, u.hostname, u.port, u.pathname, u.search, u.hash, u.origin];
const out = [];
for (const [input, base] of cases) {
  let a, b;
  try { a = pick(new P(input, base)); } catch { a = "invalid"; }
  try { b = pick(new globalThis.URL(input, base)); } catch { b = "invalid"; }
  out.push({ input, base, polyfill: a, node: b });
}
for (const q of ["a=1&b=2&a=3", "?index", "x=a+b%20c&y=%E2%82%AC", "k", "=v&&w="]) {
  const a = new PS(q), b = new globalThis.URLSearchParams(q);
  out.push({ input: q, polyfill: [a.toString(), JSON.stringify([...a]), a.getAll("a").join()], node: [b.toString(), JSON.stringify([...b]), b.getAll("a").join()] });
}
console.log(JSON.stringify(out));`
	r := api.Build(api.BuildOptions{
		Stdin:    &api.StdinOptions{Contents: harness, ResolveDir: ".", Loader: api.LoaderJS},
		Bundle:   true,
		Format:   api.FormatESModule,
		Platform: api.PlatformNode,
		Target:   api.ES2020,
		Write:    false,
		Plugins:  []api.Plugin{pagesPlugin(".", "", "")},
	})
	if len(r.Errors) > 0 {
		t.Fatal(newPagesError(".", "test", r.Errors))
	}
	base := "http://localhost"
	cases := [][]any{
		{"http://localhost", nil}, {"/", base}, {"/posts/2", base}, {"/posts/a b", base},
		{"/posts/é?q=ü#frag ment", base}, {"posts/new", "http://localhost/posts/1"},
		{"../x", "http://localhost/a/b/c"}, {"./", "http://localhost/a/b"}, {"?page=2", "http://localhost/posts/1?x"},
		{"#top", "http://localhost/p?q"}, {"", "http://localhost/p?q#h"}, {"//example.com/x", base},
		{"https://Example.COM:443/A/./b/../c?x=\"y\"#z", nil}, {"http://u:p@h:8080/p", nil},
		{"/a/%2e%2E/b", base}, {"/a/..", base}, {"mailto:someone@example.com", nil},
		{"/docs/guide/intro?x=<y>&z='1'", base}, {"\\\\evil.com/x", base}, {"no base", nil},
		{"/a\\b", base}, {"/x%2Fy/%zz", base}, {"HTTP://LOCALHOST/x", nil}, {"/🙂", base},
	}
	for i := range cases {
		if cases[i][1] == nil {
			cases[i] = cases[i][:1]
		}
	}
	in, _ := json.Marshal(cases)
	cmd := exec.Command("node", "--input-type=module", "-", string(in))
	cmd.Stdin = strings.NewReader(string(r.OutputFiles[0].Contents))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var res []struct {
		Input, Base    any
		Polyfill, Node any
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(res) != len(cases)+5 {
		t.Fatalf("%d results for %d cases", len(res), len(cases)+5)
	}
	for _, c := range res {
		p, _ := json.Marshal(c.Polyfill)
		n, _ := json.Marshal(c.Node)
		if string(p) != string(n) {
			t.Errorf("%q (base %v):\npolyfill %s\nnode     %s", c.Input, c.Base, p, n)
		}
	}
}

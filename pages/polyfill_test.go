package pages

import "testing"

// TestTextEncoder: the prelude's TextEncoder agrees with the web API on
// encode and encodeInto, surrogates included.
func TestTextEncoder(t *testing.T) {
	r := load(t, `globalThis.__sandkit_render = function (s) {
		var e = new TextEncoder(), out = [];
		out.push(e.encoding, Array.from(e.encode("aé€😀")).join(","), e.encode().length, e.encode("\ud800x").join(","));
		var buf = new Uint8Array(5), res = e.encodeInto("a€😀", buf);
		out.push(res.read, res.written, Array.from(buf).join(","));
		return out.join(" | ");
	};`)
	want := "utf-8 | 97,195,169,226,130,172,240,159,152,128 | 0 | 239,191,189,120 | 2 | 4 | 97,226,130,172,0"
	if got := render(t, r, "x"); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

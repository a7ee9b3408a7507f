package web

import (
	"regexp"
	"strings"
	"testing"
)

// unsafeAttr matches an event handler attribute, or a URL attribute with
// a scheme that runs code.
var unsafeAttr = regexp.MustCompile(`(?i)\son\w+\s*=|(href|src)\s*=\s*["']?\s*(javascript|vbscript|data:text)`)

// Article bodies are written by any user and shown to every other: what
// Markdown makes of them must not run anything in a reader's browser.
func TestMarkdownIsSafe(t *testing.T) {
	for _, src := range []string{
		"<script>alert(1)</script>",
		"before <script>alert(1)</script> after",
		`<img src="x" onerror="alert(1)">`,
		`<a href="javascript:alert(1)">x</a>`,
		"[x](javascript:alert(1))",
		"[x](JavaScript:alert(1))",
		"[x]( javascript:alert(1) )",
		"[x](vbscript:msgbox(1))",
		"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
		"![x](javascript:alert(1))",
		"<javascript:alert(1)>",
		"[x]: javascript:alert(1)\n\n[x]",
		"<iframe src=\"https://example.com\"></iframe>",
		"<svg onload=alert(1)>",
	} {
		html, err := Markdown(src)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		low := strings.ToLower(html)
		for _, bad := range []string{"<script", "<iframe", "<svg", "<img src=\"x\""} {
			if strings.Contains(low, bad) {
				t.Errorf("%q renders as %q, which holds %q", src, html, bad)
			}
		}
		if m := unsafeAttr.FindString(html); m != "" {
			t.Errorf("%q renders as %q, which holds %q", src, html, m)
		}
	}
	// What Markdown is for still works.
	html, err := Markdown("# Title\n\n*em* **strong** [link](https://example.com/) `code` www.example.org <https://example.net/>\n\n| a |\n| - |\n| 1 |")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<h1>Title</h1>", "<em>em</em>", "<strong>strong</strong>", "<code>code</code>", "<table>",
		// Links users write are not vouched for.
		`<a href="https://example.com/" rel="nofollow ugc">link</a>`,
		`<a href="http://www.example.org" rel="nofollow ugc">www.example.org</a>`,
		`<a href="https://example.net/" rel="nofollow ugc">https://example.net/</a>`} {
		if !strings.Contains(html, want) {
			t.Errorf("the Markdown sample renders as %q, without %q", html, want)
		}
	}
}

//go:build !wasip1

package sandkit

import (
	"net/url"
	"testing"

	"sandkit.dev/sandkit/abi"
)

// FuzzQueryValue: QueryValue, which reads the raw query, agrees with
// url.ParseQuery's first value, and with Query once that has been called.
//
//	go test -run '^$' -fuzz '^FuzzQueryValue$' ./guest-sdk/go
func FuzzQueryValue(f *testing.F) {
	for _, q := range []string{"q=x+y", "a=1&q=2&q=3", "q", "q=", "%71=esc", "q=%zz&q=ok", "a;b=1&q=semi", "q=a;b&q=c", "a+b=plus", "&&q=e&", "q=%2", "=v&q=w"} {
		f.Add(q, "q")
	}
	f.Add("a+b=plus", "a b")
	f.Add("a+b=plus", "a+b")
	f.Fuzz(func(t *testing.T, query, name string) {
		want := ""
		if vs, _ := url.ParseQuery(query); vs != nil {
			want = vs.Get(name)
		}
		r := &Request{head: abi.RequestHead{Query: query}}
		if got := r.QueryValue(name); got != want {
			t.Fatalf("QueryValue(%q) of %q = %q, url.ParseQuery gives %q", name, query, got, want)
		}
		r.Query()
		if got := r.QueryValue(name); got != want {
			t.Fatalf("after Query: QueryValue(%q) of %q = %q, want %q", name, query, got, want)
		}
	})
}

func TestQueryValueAllocs(t *testing.T) {
	r := &Request{head: abi.RequestHead{Query: "a=1&via=direct&b=2"}}
	if n := testing.AllocsPerRun(100, func() {
		if r.QueryValue("via") != "direct" {
			t.Fatal("wrong value")
		}
	}); n != 0 {
		t.Errorf("%.0f allocations per QueryValue, want 0", n)
	}
}

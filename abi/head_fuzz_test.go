// Fuzzing the request head's encoder against its decoders.

package abi_test

import (
	"reflect"
	"testing"

	"sandkit.dev/sandkit/abi"
)

// FuzzRequestHeadRoundTrip: any head the host could build (any bytes in
// any field, any number of pairs) decodes, with both decoders, to itself.
//
//	go test -run '^$' -fuzz '^FuzzRequestHeadRoundTrip$' ./abi
func FuzzRequestHeadRoundTrip(f *testing.F) {
	h := sampleHead()
	f.Add(h.Method, h.Route, h.Path, h.Query, "slug", "hello world", "Accept", "*/*", uint8(2), h.ContentLength, h.RequestID)
	f.Add("", "", "", "", "", "", "", "", uint8(0), int64(-1), "")
	f.Add("GET", "rest.all", "/a\x00b/\xff", "q=%zz", "rest", "a\x00b/\xff", "X-\r\n", "\x00", uint8(255), int64(-1<<63), "\xff")
	f.Fuzz(func(t *testing.T, method, route, path, query, pname, pval, hname, hval string, n uint8, cl int64, id string) {
		h := &abi.RequestHead{Method: method, Route: route, Path: path, Query: query, ContentLength: cl, RequestID: id}
		if pname != "" || pval != "" {
			h.Params = []abi.Pair{{Name: pname, Value: pval}}
		}
		for range n % 8 {
			h.Headers = append(h.Headers, abi.Pair{Name: hname, Value: hval})
		}
		b := abi.AppendRequestHead(nil, h)
		var got abi.RequestHead
		if err := abi.DecodeRequestHead(b, &got); err != nil {
			t.Fatalf("DecodeRequestHead: %v", err)
		}
		if !reflect.DeepEqual(normalize(&got), normalize(h)) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, *h)
		}
		var aliased abi.RequestHead
		if err := abi.DecodeRequestHeadAliased(b, &aliased); err != nil || !reflect.DeepEqual(normalize(&aliased), normalize(h)) {
			t.Fatalf("aliased round trip: %v\n got %+v\nwant %+v", err, aliased, *h)
		}
	})
}

// FuzzDecodePairs: any bytes decode as a list or fail, never read past
// them, and a list that decodes re-encodes to the same bytes.
//
//	go test -run '^$' -fuzz '^FuzzDecodePairs$' ./abi
func FuzzDecodePairs(f *testing.F) {
	f.Add(abi.AppendPairs(nil, []abi.Pair{{Name: "Content-Type", Value: "text/plain"}, {Name: "X", Value: ""}}))
	f.Add([]byte{})
	f.Add([]byte{1, 0, 0, 0})
	f.Add([]byte{0, 0, 0, 0, 0})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		ps, err := abi.DecodePairsAliased(b, nil)
		if err != nil {
			if len(ps) != 0 {
				t.Fatalf("%d pairs with an error", len(ps))
			}
			return
		}
		if len(b) == 0 {
			if len(ps) != 0 {
				t.Fatalf("%d pairs from no bytes", len(ps))
			}
			return
		}
		if got := abi.AppendPairs(nil, ps); string(got) != string(b) {
			t.Fatalf("re-encoded %x, decoded from %x", got, b)
		}
	})
}

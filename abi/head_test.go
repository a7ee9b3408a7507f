package abi_test

import (
	"reflect"
	"slices"
	"testing"

	"sandkit.dev/sandkit/abi"
)

func sampleHead() *abi.RequestHead {
	return &abi.RequestHead{
		Method: "POST", Route: "posts/slug.param", Path: "/posts/hello world", Query: "a=1&b=x%20y",
		Params:        []abi.Pair{{Name: "slug", Value: "hello world"}},
		Headers:       []abi.Pair{{Name: "Host", Value: "example.test"}, {Name: "Accept", Value: "*/*"}, {Name: "Accept", Value: "text/html"}},
		ContentLength: 42,
		RequestID:     "r-1",
	}
}

func TestRequestHeadRoundTrip(t *testing.T) {
	for _, h := range []*abi.RequestHead{sampleHead(), {ContentLength: -1}} {
		b := abi.AppendRequestHead(nil, h)
		var got abi.RequestHead
		if err := abi.DecodeRequestHead(b, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(&got, h) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, *h)
		}
	}
}

func TestRequestHeadMalformed(t *testing.T) {
	good := abi.AppendRequestHead(nil, sampleHead())
	for n := range len(good) {
		var h abi.RequestHead
		if err := abi.DecodeRequestHead(good[:n], &h); err != abi.ErrMalformed {
			t.Errorf("truncated to %d bytes: got %v", n, err)
		}
	}
	var h abi.RequestHead
	if err := abi.DecodeRequestHead(append(good, 0), &h); err != abi.ErrMalformed {
		t.Errorf("trailing byte: got %v", err)
	}
	// A count that claims more pairs than bytes must not allocate them.
	huge := []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f}
	if err := abi.DecodeRequestHead(huge, &h); err != abi.ErrMalformed {
		t.Errorf("huge count: got %v", err)
	}
}

func FuzzDecodeRequestHead(f *testing.F) {
	f.Add(abi.AppendRequestHead(nil, sampleHead()))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		var h abi.RequestHead
		err := abi.DecodeRequestHead(b, &h)
		// The aliased decoder agrees, also into a head that held values.
		a := sampleHead()
		if aerr := abi.DecodeRequestHeadAliased(slices.Clone(b), a); (aerr == nil) != (err == nil) {
			t.Fatalf("DecodeRequestHead: %v, DecodeRequestHeadAliased: %v", err, aerr)
		} else if err == nil && !reflect.DeepEqual(normalize(a), normalize(&h)) {
			t.Fatalf("aliased decode differs:\n%+v\n%+v", a, &h)
		}
		if err != nil {
			return
		}
		// Whatever decodes re-encodes to the same bytes.
		if again := abi.AppendRequestHead(nil, &h); string(again) != string(b) {
			t.Fatalf("re-encoding differs:\n%x\n%x", b, again)
		}
	})
}

// normalize makes empty lists nil, as the decoders differ only there.
func normalize(h *abi.RequestHead) abi.RequestHead {
	c := *h
	if len(c.Params) == 0 {
		c.Params = nil
	}
	if len(c.Headers) == 0 {
		c.Headers = nil
	}
	return c
}

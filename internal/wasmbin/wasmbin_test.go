// Tests of the reader and writer: LEB128 round trips, refusals of
// malformed input, and section splitting.

package wasmbin

import (
	"errors"
	"strings"
	"testing"
)

func TestU32RoundTrip(t *testing.T) {
	for _, v := range []uint32{0, 1, 63, 64, 127, 128, 1<<21 - 1, 1 << 28, 1<<32 - 1} {
		for _, width := range []int{0, 5} {
			b := AppendU32(nil, v, width)
			got, w, err := NewReader(b, 0).U32()
			if err != nil || got != v || w != len(b) {
				t.Errorf("U32(AppendU32(%d, %d) = % x) = %d, %d, %v", v, width, b, got, w, err)
			}
		}
	}
}

func TestS32RoundTrip(t *testing.T) {
	for _, v := range []int32{0, 1, -1, 63, 64, -64, -65, 1<<31 - 1, -1 << 31} {
		b := AppendS32(nil, v)
		got, err := NewReader(b, 0).LEB(5)
		if err != nil || int32(got) != v {
			t.Errorf("LEB(AppendS32(%d) = % x) = %d, %v", v, b, got, err)
		}
	}
}

func TestRefusals(t *testing.T) {
	for _, tc := range []struct {
		name string
		read func(r *Reader) error
		in   string
		want string
	}{
		{"u32 past 32 bits", func(r *Reader) error { _, _, err := r.U32(); return err }, "\xff\xff\xff\xff\x7f", "overflows"},
		{"u32 too long", func(r *Reader) error { _, _, err := r.U32(); return err }, "\x80\x80\x80\x80\x80\x00", "longer than 5"},
		{"u32 cut short", func(r *Reader) error { _, _, err := r.U32(); return err }, "\x80", "unexpected end"},
		{"count past the input", func(r *Reader) error { _, _, err := r.Count(1); return err }, "\x05ab", "exceeds"},
		{"name past the input", func(r *Reader) error { _, err := r.Name(); return err }, "\x05ab", "unexpected end"},
		{"leb too long", func(r *Reader) error { _, err := r.LEB(2); return err }, "\x80\x80\x00", "longer than 2"},
		{"limits flags", func(r *Reader) error { _, _, _, err := r.Limits(); return err }, "\x08\x00", "limits flags"},
	} {
		err := tc.read(NewReader([]byte(tc.in), 0x100))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "offset 0x1") {
			t.Errorf("%s: err = %v, want %q and the offset", tc.name, err, tc.want)
		}
	}
}

func TestSections(t *testing.T) {
	wasm := []byte("\x00asm\x01\x00\x00\x00")
	wasm = AppendSection(wasm, SecType, 5, []byte{1, 0x60, 0, 0})
	wasm = AppendSection(wasm, SecCustom, 0, []byte("\x04name"))
	secs, err := Sections(wasm)
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) != 2 || secs[0].ID != SecType || secs[0].Width != 5 || secs[0].Off != 14 || string(secs[1].Payload) != "\x04name" {
		t.Fatalf("sections: %+v", secs)
	}
	if _, err := Sections(wasm[:len(wasm)-1]); !errors.Is(err, ErrEOF) {
		t.Errorf("cut module: %v", err)
	}
	if _, err := Sections([]byte("\x00asm\x0d\x00\x01\x00")); err == nil {
		t.Error("a component was accepted")
	}
}

// FuzzSections: any bytes split into sections that tile the module, or an
// error; never a panic.
func FuzzSections(f *testing.F) {
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x01\x04\x01\x60\x00\x00"))
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x00\x85\x80\x80\x80\x00\x04name"))
	f.Fuzz(func(t *testing.T, wasm []byte) {
		secs, err := Sections(wasm)
		if err != nil {
			return
		}
		var again []byte
		again = append(again, wasm[:HeaderSize]...)
		for _, s := range secs {
			again = AppendSection(again, s.ID, s.Width, s.Payload)
		}
		if string(again) != string(wasm) {
			t.Fatalf("re-encoded sections differ from the module")
		}
	})
}

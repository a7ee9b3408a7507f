package jsonstr_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"sandkit.dev/sandkit/internal/jsonstr"
)

// FuzzAppend: any string becomes one valid JSON string that decodes to the
// input with each invalid byte replaced by U+FFFD, and that is safe inside
// HTML and JavaScript (no raw <, >, &, U+2028, U+2029).
//
//	go test -run '^$' -fuzz '^FuzzAppend$' ./internal/jsonstr
func FuzzAppend(f *testing.F) {
	for _, s := range []string{"", "plain", `</script><b>&"\`, "\x00\x1f\x7f", "\xff\xfe", "\u2028\u2029", "é😀", "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := jsonstr.Append([]byte("x"), s)
		if b[0] != 'x' {
			t.Fatalf("%q: dst's bytes were overwritten", b)
		}
		b = b[1:]
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%q: not a JSON string: %v", b, err)
		}
		if want := perByteValidUTF8(s); got != want {
			t.Fatalf("decodes to %q, want %q", got, want)
		}
		if strings.ContainsAny(string(b[1:len(b)-1]), "<>&\u2028\u2029") {
			t.Fatalf("%q holds a character unsafe in HTML or JavaScript", b)
		}
		if m, _ := json.Marshal(s); string(m) != string(b) {
			t.Fatalf("%q, encoding/json makes %q", b, m)
		}
	})
}

// perByteValidUTF8 replaces each byte of s that is not part of valid UTF-8
// with U+FFFD.
func perByteValidUTF8(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// TestAppendEveryByte: every byte value alone, and inside text, encodes as
// encoding/json encodes it.
func TestAppendEveryByte(t *testing.T) {
	for c := range 256 {
		for _, s := range []string{string([]byte{byte(c)}), "a" + string([]byte{byte(c)}) + "é"} {
			got := jsonstr.Append(nil, s)
			want, _ := json.Marshal(s)
			if string(got) != string(want) {
				t.Errorf("byte %#x in %q: %s, encoding/json: %s", c, s, got, want)
			}
		}
	}
}

func TestAppendAllocs(t *testing.T) {
	dst := make([]byte, 0, 256)
	s := "a title with \"quotes\", <tags> & \u2028 and \xff"
	if n := testing.AllocsPerRun(100, func() { dst = jsonstr.Append(dst[:0], s) }); n != 0 {
		t.Errorf("%v allocations with room in dst, want 0", n)
	}
}

// The benchmarks compare Append with strconv.AppendQuote (which does not
// make JSON) and encoding/json, on short text typical of a field.
var benchText = []string{"milk", "Buy milk & eggs <today>", "Grüße aus Köln 😀 \"quoted\"\n"}

func BenchmarkAppend(b *testing.B) {
	dst := make([]byte, 0, 256)
	for b.Loop() {
		for _, s := range benchText {
			dst = jsonstr.Append(dst[:0], s)
		}
	}
}

func BenchmarkStrconvAppendQuote(b *testing.B) {
	dst := make([]byte, 0, 256)
	for b.Loop() {
		for _, s := range benchText {
			dst = strconv.AppendQuote(dst[:0], s)
		}
	}
}

func BenchmarkEncodingJSON(b *testing.B) {
	for b.Loop() {
		for _, s := range benchText {
			json.Marshal(s)
		}
	}
}

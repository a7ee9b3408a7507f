package sandkit_test

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// jsonStrings is every input the round trip covers: each byte value 0..255
// alone and inside text, invalid UTF-8 sequences, and the edges of every
// rune class.
func jsonStrings() []string {
	var ss []string
	for c := range 256 {
		b := string([]byte{byte(c)})
		ss = append(ss, b, "a"+b+"b", "é"+b+"😀", b+b)
	}
	return append(ss,
		"",
		// Invalid UTF-8: stray continuation bytes, truncated sequences,
		// overlong forms, encoded surrogates, beyond U+10FFFF, F5..FF.
		"\x80", "\xbf", "\x80\x80", "\xc2", "\xe2\x82", "\xf0\x9f\x98", "x\xe2\x82y",
		"\xc0\x80", "\xc1\xbf", "\xe0\x80\xaf", "\xf0\x80\x80\xaf",
		"\xed\xa0\x80", "\xed\xbf\xbf", "\xed\xa0\xbd\xed\xb8\x80",
		"\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xf8\x88\x80\x80\x80", "\xff\xfe\xfd",
		// Rune class edges.
		"\u007f", "\u0080", "\u009f", "\u00a0", "\u07ff", "\u0800",
		"\u2027", "\u2028", "\u2029", "\u202a", "a\u2028b\u2029c",
		"\ud7ff", "\ue000", // either side of the surrogates
		"\ufffd", "\ufffe", "\uffff", "\U00010000", "\U0010ffff",
		"\x00\x1f\x20\"\\/<>&'", "</script><!--", "\ufeffbom",
	)
}

// wantDecoded is what a string decodes to after AppendJSONString: the
// string itself, except that each byte that is not part of valid UTF-8
// becomes U+FFFD, one per byte, as encoding/json's Marshal does.
func wantDecoded(s string) string {
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

// TestJSONStringRoundTrip: every byte value and rune class edge, through
// AppendJSONString and the builder, is valid JSON that encoding/json
// decodes back to the input (invalid UTF-8 as U+FFFD per byte), byte for
// byte what encoding/json encodes, and free of raw <, >, &, U+2028, U+2029.
func TestJSONStringRoundTrip(t *testing.T) {
	for _, s := range jsonStrings() {
		b := sandkit.AppendJSONString(nil, s)
		if !json.Valid(b) {
			t.Errorf("%q: %s is not JSON", s, b)
			continue
		}
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Errorf("%q: %s: %v", s, b, err)
			continue
		}
		if want := wantDecoded(s); got != want {
			t.Errorf("%q: %s decodes to %q, want %q", s, b, got, want)
		}
		if m, _ := json.Marshal(s); string(m) != string(b) {
			t.Errorf("%q: %s, encoding/json makes %s", s, b, m)
		}
		if strings.ContainsAny(string(b), "<>&\u2028\u2029") {
			t.Errorf("%q: %s holds a character unsafe in HTML or JavaScript", s, b)
		}

		// The same string as a key and as values of a builder's array.
		var j sandkit.JSONBuilder
		j.Array().String(s).Object().Key(s).String(s).EndObject().EndArray()
		var a []any
		if err := json.Unmarshal(j.Bytes(), &a); err != nil {
			t.Errorf("%q: builder made %s: %v", s, j.Bytes(), err)
			continue
		}
		want := wantDecoded(s)
		if m, _ := a[1].(map[string]any); len(a) != 2 || a[0] != want || len(m) != 1 || m[want] != want {
			t.Errorf("%q: builder's %s decodes to %q", s, j.Bytes(), a)
		}
	}
}

// TestJSONStringNotStrconv: the characters that strconv.Quote gets wrong
// for JSON.
func TestJSONStringNotStrconv(t *testing.T) {
	for s, want := range map[string]string{
		"\a":     `"\u0007"`,
		"\x1b[m": `"\u001b[m"`,
		"\xff":   `"\ufffd"`,
		"\x7f":   "\"\x7f\"",
		"tab\t":  `"tab\t"`,
		"\v":     `"\u000b"`,
	} {
		if got := string(sandkit.AppendJSONString(nil, s)); got != want {
			t.Errorf("%q: %s, want %s", s, got, want)
		}
	}
}

func TestJSONFloat(t *testing.T) {
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1.5, 0.1, 1e-6, 1e-7, 9.99e-7, 123456789, 1e20, 1e21, 1.5e300, -2e-300,
		math.MaxFloat64, math.SmallestNonzeroFloat64, 1 << 53, 3.14159} {
		want, _ := json.Marshal(f)
		if got := sandkit.AppendJSONFloat(nil, f); string(got) != string(want) {
			t.Errorf("%v: %s, encoding/json %s", f, got, want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got := sandkit.AppendJSONFloat(nil, f); string(got) != "null" {
			t.Errorf("%v: %s, want null", f, got)
		}
	}
}

func TestJSONBuilder(t *testing.T) {
	at := time.Date(2026, 12, 2, 14, 0, 0, 500, time.FixedZone("x", 3600))
	var j sandkit.JSONBuilder
	j.Object()
	j.Key("a").Array().EndArray()
	j.Key("o").Object().EndObject()
	j.Key("n").Array().Int(-1).Uint(math.MaxUint64).Float(2.5).Bool(true).Null().Time(at).Raw([]byte(`{"x":[1]}`)).Array().Array().EndArray().EndArray().EndArray()
	j.Key("deep").Object().Key("k").Object().Key("v").String("\x00").EndObject().EndObject()
	j.EndObject()
	want := `{"a":[],"o":{},"n":[-1,18446744073709551615,2.5,true,null,"2026-12-02T13:00:00.0000005Z",{"x":[1]},[[]]],"deep":{"k":{"v":"\u0000"}}}`
	if got := string(j.Bytes()); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	j.Reset()
	j.String("top")
	if got := string(j.Bytes()); got != `"top"` {
		t.Errorf("after Reset: %s", got)
	}
}

// TestJSONBuilderMisuse: every misuse panics with what was wrong instead of
// producing invalid JSON.
func TestJSONBuilderMisuse(t *testing.T) {
	for name, tc := range map[string]struct {
		build func(j *sandkit.JSONBuilder)
		want  string
	}{
		"value without key": {func(j *sandkit.JSONBuilder) { j.Object().Int(1) }, "needs its Key"},
		"key in array":      {func(j *sandkit.JSONBuilder) { j.Array().Key("a") }, "not in an object"},
		"key at top":        {func(j *sandkit.JSONBuilder) { j.Key("a") }, "not in an object"},
		"two keys":          {func(j *sandkit.JSONBuilder) { j.Object().Key("a").Key("b") }, "without its value"},
		"end wrong kind":    {func(j *sandkit.JSONBuilder) { j.Object().EndArray() }, "no open array"},
		"end after key":     {func(j *sandkit.JSONBuilder) { j.Object().Key("a").EndObject() }, "no open object"},
		"end nothing":       {func(j *sandkit.JSONBuilder) { j.EndObject() }, "no open object"},
		"second top value":  {func(j *sandkit.JSONBuilder) { j.Int(1).Int(2) }, "second top-level value"},
		"second top object": {func(j *sandkit.JSONBuilder) { j.Object().EndObject().Array() }, "second top-level value"},
		"bytes while open":  {func(j *sandkit.JSONBuilder) { j.Array().Int(1).Bytes() }, "not closed"},
		"bytes after key":   {func(j *sandkit.JSONBuilder) { j.Object().Key("a"); j.Bytes() }, "not closed"},
		"nesting deeper than": {func(j *sandkit.JSONBuilder) {
			for range 65 {
				j.Array()
			}
		}, "deeper than 64"},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				v := recover()
				if msg, _ := v.(string); !strings.Contains(msg, tc.want) {
					t.Errorf("panic %v, want one that says %q", v, tc.want)
				}
			}()
			var j sandkit.JSONBuilder
			tc.build(&j)
		})
	}
	var j sandkit.JSONBuilder
	for range 64 {
		j.Array()
	}
	for range 64 {
		j.EndArray()
	}
	if !json.Valid(j.Bytes()) {
		t.Errorf("64 levels: %s", j.Bytes())
	}
}

// A todo as the examples answer it, built three ways.
type benchTodo struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	Done      bool      `json:"done"`
	CreatedAt time.Time `json:"created_at"`
}

var benchItem = benchTodo{ID: 42, Title: "Buy milk & eggs <today> \"urgent\"", CreatedAt: time.Date(2026, 12, 2, 14, 0, 0, 0, time.UTC)}

func TestJSONBuilderAllocs(t *testing.T) {
	var j sandkit.JSONBuilder
	j.Grow(256)
	n := testing.AllocsPerRun(100, func() {
		j.Reset()
		j.Object().Key("id").Int(benchItem.ID).Key("title").String(benchItem.Title).
			Key("done").Bool(benchItem.Done).Key("created_at").Time(benchItem.CreatedAt).EndObject()
	})
	if n != 0 {
		t.Errorf("%v allocations into a buffer with room, want 0", n)
	}
}

// jsonSink keeps each benchmark's result on the heap, as a response's body is.
var jsonSink []byte

// BenchmarkTodoJSON: one todo object, with a fresh buffer each time as a
// handler makes one per response.
//
//	go test -run '^$' -bench TodoJSON -benchmem ./guest-sdk/go
func BenchmarkTodoJSON(b *testing.B) {
	t := &benchItem
	b.Run("JSONBuilder", func(b *testing.B) {
		for b.Loop() {
			var j sandkit.JSONBuilder
			j.Grow(128)
			j.Object().Key("id").Int(t.ID).Key("title").String(t.Title).
				Key("done").Bool(t.Done).Key("created_at").Time(t.CreatedAt).EndObject()
			jsonSink = j.Bytes()
		}
	})
	b.Run("AppendJSONString", func(b *testing.B) {
		for b.Loop() {
			buf := append(make([]byte, 0, 128), `{"id":`...)
			buf = strconv.AppendInt(buf, t.ID, 10)
			buf = sandkit.AppendJSONString(append(buf, `,"title":`...), t.Title)
			buf = strconv.AppendBool(append(buf, `,"done":`...), t.Done)
			buf = t.CreatedAt.UTC().AppendFormat(append(buf, `,"created_at":"`...), time.RFC3339Nano)
			jsonSink = append(buf, `"}`...)
		}
	})
	b.Run("strconv.AppendQuote(not-JSON)", func(b *testing.B) {
		for b.Loop() {
			buf := append(make([]byte, 0, 128), `{"id":`...)
			buf = strconv.AppendInt(buf, t.ID, 10)
			buf = strconv.AppendQuote(append(buf, `,"title":`...), t.Title)
			buf = strconv.AppendBool(append(buf, `,"done":`...), t.Done)
			buf = t.CreatedAt.UTC().AppendFormat(append(buf, `,"created_at":"`...), time.RFC3339Nano)
			jsonSink = append(buf, `"}`...)
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			jsonSink, _ = json.Marshal(t)
		}
	})
}

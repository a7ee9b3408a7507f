// JSON by hand: a string encoder and a builder that make valid JSON
// without reflection.

package sandkit

import (
	"math"
	"strconv"
	"time"

	"sandkit.dev/sandkit/internal/jsonstr"
)

// AppendJSONString appends s to dst as a JSON string, quotes included. It
// makes exactly what encoding/json makes of a string: control characters,
// '"' and '\' escaped, '<', '>', '&', U+2028 and U+2029 escaped as \uXXXX
// (so the JSON is safe inside HTML and JavaScript), and each byte that is
// not part of valid UTF-8 replaced by \ufffd, so the result is valid JSON
// whatever s holds. It does not allocate when dst has room.
//
// Do not build JSON with strconv.Quote or strconv.AppendQuote: they write
// Go escapes (\a, \x1b, \xff) that are not JSON.
func AppendJSONString(dst []byte, s string) []byte {
	return jsonstr.Append(dst, s)
}

// AppendJSONFloat appends f as a JSON number, in the shortest form that
// reads back as f and in the format encoding/json uses (exponent only below
// 1e-6 or from 1e21); JSON has no NaN or infinity, so those append null.
func AppendJSONFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	abs, format := math.Abs(f), byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// 1e-07 -> 1e-7, as encoding/json writes it.
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

// JSONBuilder builds one JSON value, an object or an array with members
// of any depth, by appending to a byte slice: no reflection, and no
// allocation beyond the slice's growth. Commas and colons are its job:
//
//	var j sandkit.JSONBuilder
//	j.Object()
//	j.Key("id").Int(t.ID)
//	j.Key("title").String(t.Title)
//	j.Key("tags").Array()
//	for _, tag := range t.Tags {
//		j.String(tag)
//	}
//	j.EndArray()
//	j.EndObject()
//	return sandkit.RawJSON(200, j.Bytes())
//
// Strings are encoded as by [AppendJSONString], so the result is valid
// JSON whatever they hold. A call where it cannot go (a value in an
// object without its Key, a Key in an array, an End that does not match,
// a second top-level value, nesting deeper than 64, Bytes before the
// value is complete) is a bug in the handler: the method panics with what
// was wrong, and the request fails with a 500 and a log record, rather
// than answering broken JSON.
//
// The zero JSONBuilder is empty and ready to use; [JSONBuilder.Grow]
// reserves room up front.
type JSONBuilder struct {
	buf     []byte
	objects uint64 // bit d: level d+1 is an object (else an array)
	depth   int    // open containers
	comma   bool   // the current level has a value: the next one needs a comma
	keyed   bool   // a Key was written; its value has not
	done    bool   // the top-level value is complete
}

// maxJSONDepth is the deepest nesting a JSONBuilder tracks.
const maxJSONDepth = 64

// Grow makes room for n more bytes without another allocation.
func (j *JSONBuilder) Grow(n int) {
	if cap(j.buf)-len(j.buf) < n {
		b := make([]byte, len(j.buf), len(j.buf)+n)
		copy(b, j.buf)
		j.buf = b
	}
}

// Reset empties j for another value, keeping its buffer. Do not Reset
// while a response still holds the bytes of [JSONBuilder.Bytes].
func (j *JSONBuilder) Reset() {
	*j = JSONBuilder{buf: j.buf[:0]}
}

// Bytes returns the JSON value built. It panics if there is none yet, if
// an object or array is still open, or if a Key has no value: the bytes
// are always one complete JSON value. The response may take them:
// sandkit.RawJSON(200, j.Bytes()).
func (j *JSONBuilder) Bytes() []byte {
	if !j.done {
		panic("sandkit: JSONBuilder.Bytes: the value is not complete (" + strconv.Itoa(j.depth) + " object or array not closed, or a Key without its value, or nothing written)")
	}
	return j.buf
}

// Len returns the number of bytes built so far.
func (j *JSONBuilder) Len() int { return len(j.buf) }

func (j *JSONBuilder) inObject() bool {
	return j.depth > 0 && j.objects>>(j.depth-1)&1 == 1
}

// value prepares for a value at the current position.
func (j *JSONBuilder) value(what string) {
	switch {
	case j.depth == 0:
		if j.done {
			panic("sandkit: JSONBuilder." + what + ": a second top-level value (Reset to start another)")
		}
	case j.inObject():
		if !j.keyed {
			panic("sandkit: JSONBuilder." + what + ": a value in an object needs its Key first")
		}
		j.keyed = false
	case j.comma:
		j.buf = append(j.buf, ',')
	}
}

// wrote records a complete value at the current position.
func (j *JSONBuilder) wrote() {
	j.comma = true
	j.done = j.depth == 0
}

func (j *JSONBuilder) open(what string, c byte, object bool) *JSONBuilder {
	j.value(what)
	if j.depth == maxJSONDepth {
		panic("sandkit: JSONBuilder." + what + ": nesting deeper than " + strconv.Itoa(maxJSONDepth))
	}
	if object {
		j.objects |= 1 << j.depth
	} else {
		j.objects &^= 1 << j.depth
	}
	j.depth++
	j.comma = false
	j.buf = append(j.buf, c)
	return j
}

func (j *JSONBuilder) close(what string, c byte, object bool) *JSONBuilder {
	if j.depth == 0 || j.inObject() != object || j.keyed {
		kind := "array"
		if object {
			kind = "object"
		}
		panic("sandkit: JSONBuilder." + what + ": no open " + kind + " to end here")
	}
	j.depth--
	j.buf = append(j.buf, c)
	j.wrote()
	return j
}

// Object starts an object; write its members with [JSONBuilder.Key] and a
// value each, then call [JSONBuilder.EndObject].
func (j *JSONBuilder) Object() *JSONBuilder { return j.open("Object", '{', true) }

// EndObject ends the innermost open object.
func (j *JSONBuilder) EndObject() *JSONBuilder { return j.close("EndObject", '}', true) }

// Array starts an array; write its elements, then call [JSONBuilder.EndArray].
func (j *JSONBuilder) Array() *JSONBuilder { return j.open("Array", '[', false) }

// EndArray ends the innermost open array.
func (j *JSONBuilder) EndArray() *JSONBuilder { return j.close("EndArray", ']', false) }

// Key writes the name of the next member of the current object; the next
// call writes its value.
func (j *JSONBuilder) Key(name string) *JSONBuilder {
	if !j.inObject() || j.keyed {
		panic("sandkit: JSONBuilder.Key(" + strconv.Quote(name) + "): not in an object, or after a Key without its value")
	}
	if j.comma {
		j.buf = append(j.buf, ',')
	}
	j.buf = append(jsonstr.Append(j.buf, name), ':')
	j.keyed = true
	return j
}

// String writes s as a JSON string (see [AppendJSONString]).
func (j *JSONBuilder) String(s string) *JSONBuilder {
	j.value("String")
	j.buf = jsonstr.Append(j.buf, s)
	j.wrote()
	return j
}

// Int writes n as a JSON number.
func (j *JSONBuilder) Int(n int64) *JSONBuilder {
	j.value("Int")
	j.buf = strconv.AppendInt(j.buf, n, 10)
	j.wrote()
	return j
}

// Uint writes n as a JSON number.
func (j *JSONBuilder) Uint(n uint64) *JSONBuilder {
	j.value("Uint")
	j.buf = strconv.AppendUint(j.buf, n, 10)
	j.wrote()
	return j
}

// Float writes f as a JSON number (see [AppendJSONFloat]); NaN and the
// infinities, which JSON cannot hold, are written as null.
func (j *JSONBuilder) Float(f float64) *JSONBuilder {
	j.value("Float")
	j.buf = AppendJSONFloat(j.buf, f)
	j.wrote()
	return j
}

// Bool writes true or false.
func (j *JSONBuilder) Bool(b bool) *JSONBuilder {
	j.value("Bool")
	j.buf = strconv.AppendBool(j.buf, b)
	j.wrote()
	return j
}

// Null writes null.
func (j *JSONBuilder) Null() *JSONBuilder {
	j.value("Null")
	j.buf = append(j.buf, "null"...)
	j.wrote()
	return j
}

// Time writes t as a JSON string in RFC 3339 in UTC, with as many fraction
// digits as needed (as the host writes times in db.QueryJSON's rows).
func (j *JSONBuilder) Time(t time.Time) *JSONBuilder {
	j.value("Time")
	j.buf = append(j.buf, '"')
	j.buf = t.UTC().AppendFormat(j.buf, time.RFC3339Nano)
	j.buf = append(j.buf, '"')
	j.wrote()
	return j
}

// Raw writes b, which must be one complete JSON value (the result of
// db.QueryJSON, or of another builder), as it is: the builder does not
// check it.
func (j *JSONBuilder) Raw(b []byte) *JSONBuilder {
	j.value("Raw")
	j.buf = append(j.buf, b...)
	j.wrote()
	return j
}

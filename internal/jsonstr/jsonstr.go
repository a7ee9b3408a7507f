// Package jsonstr appends Go strings as JSON strings. It is the one string
// encoder of the host (the rows of db_query_json) and of the Go guest SDK
// (sandkit.AppendJSONString and the JSON builder), so both follow the same
// rules; it imports only unicode/utf8 and compiles for GOOS=wasip1.
//
// The rules (spec/abi.md §9.4, "JSON"):
//   - '"' and '\' are escaped with a backslash, as are newline, carriage
//     return, tab, backspace and form feed (\n, \r, \t, \b, \f);
//   - the other control characters (U+0000 to U+001F) become \u00XX, and so
//     do '<', '>' and '&', so that the JSON is safe inside HTML;
//   - U+2028 and U+2029 become \u2028 and \u2029, so that the JSON is safe
//     inside a JavaScript string;
//   - each byte that is not part of valid UTF-8 (a stray continuation byte,
//     a truncated sequence, an encoded surrogate U+D800..U+DFFF, an overlong
//     form, a byte 0xF8..0xFF) becomes \ufffd, U+REPLACEMENT CHARACTER, one
//     per byte, which is what encoding/json's Marshal does;
//   - every other character, DEL and U+FFFD itself included, is copied as it is.
//
// The result is byte for byte what encoding/json's Marshal makes of a string.
package jsonstr

import "unicode/utf8"

const hex = "0123456789abcdef"

// Append appends s to dst as a JSON string, quotes included, and returns
// the extended slice. It allocates only when dst has to grow.
func Append(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0 // s[start:i] is pending: plain bytes to copy in one append
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if safe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// safe reports the ASCII bytes copied as they are.
var safe = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

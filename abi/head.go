// Request head: the wire encoding of everything about a request but its body.

package abi

import (
	"encoding/binary"
	"errors"
	"slices"
	"unsafe"
)

// Pair is one name/value entry of the request head (a route parameter or a
// header line). Header names are in canonical form (Content-Type); a header
// sent several times appears as several pairs in arrival order.
type Pair struct {
	Name, Value string
}

// RequestHead is a request without its body, as the guest receives it.
//
// Encoding: a sequence of fields, each string is a little-endian u32 byte
// length followed by that many bytes (UTF-8 not enforced); each list is a u32
// count followed by that many name/value string pairs; integers are
// little-endian. Field order:
//
//	str  Method         GET, POST, ...
//	str  Route          the route id: the route's folder under routes/, "" for the root
//	str  Path           the URL path, percent-decoded
//	str  Query          the raw query string, without '?'
//	list Params         route parameters, in path order
//	list Headers        request headers
//	i64  ContentLength  body length in bytes, -1 if unknown
//	str  RequestID      the host's id for this request, for logs
type RequestHead struct {
	Method        string
	Route         string
	Path          string
	Query         string
	Params        []Pair
	Headers       []Pair
	ContentLength int64
	RequestID     string
}

// ErrMalformed is returned by [DecodeRequestHead] for bytes that are not a
// complete, well-formed request head.
var ErrMalformed = errors.New("abi: malformed request head")

// AppendRequestHead appends the encoding of h to dst and returns the result.
func AppendRequestHead(dst []byte, h *RequestHead) []byte {
	dst = appendStr(dst, h.Method)
	dst = appendStr(dst, h.Route)
	dst = appendStr(dst, h.Path)
	dst = appendStr(dst, h.Query)
	dst = appendPairs(dst, h.Params)
	dst = appendPairs(dst, h.Headers)
	dst = binary.LittleEndian.AppendUint64(dst, uint64(h.ContentLength))
	dst = appendStr(dst, h.RequestID)
	return dst
}

// DecodeRequestHead decodes b into h. It never reads past b and returns
// [ErrMalformed] if b is truncated, has trailing bytes, or declares more
// entries than could fit in it.
func DecodeRequestHead(b []byte, h *RequestHead) error {
	d := decoder{b: b}
	h.Params, h.Headers = nil, nil
	return d.head(h)
}

// DecodeRequestHeadAliased is DecodeRequestHead without copies, for a
// guest's hot path: the strings of h alias b, so b must never be modified
// afterwards, and h.Params and h.Headers reuse their capacity (values held
// from an earlier decode into the same h are overwritten). It allocates
// only when a list outgrows its capacity.
func DecodeRequestHeadAliased(b []byte, h *RequestHead) error {
	d := decoder{b: b, alias: true}
	h.Params, h.Headers = h.Params[:0], h.Headers[:0]
	return d.head(h)
}

func (d *decoder) head(h *RequestHead) error {
	h.Method = d.str()
	h.Route = d.str()
	h.Path = d.str()
	h.Query = d.str()
	h.Params = d.pairs(h.Params)
	h.Headers = d.pairs(h.Headers)
	h.ContentLength = int64(d.u64())
	h.RequestID = d.str()
	if d.bad || len(d.b) != 0 {
		return ErrMalformed
	}
	return nil
}

// AppendString appends s as a str (spec/abi.md §4: a u32 byte count, then
// the bytes) to dst and returns the result.
func AppendString(dst []byte, s string) []byte { return appendStr(dst, s) }

func appendStr(dst []byte, s string) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(s)))
	return append(dst, s...)
}

// AppendPairs appends the encoding of a list of pairs (spec/abi.md §4: a
// u32 count, then each name and value as a u32 length and its bytes), the
// headers argument of [ImportRespSend], to dst and returns the result.
func AppendPairs(dst []byte, ps []Pair) []byte { return appendPairs(dst, ps) }

// ErrMalformedList is returned by [DecodePairsAliased] for bytes that are
// not exactly one well-formed list.
var ErrMalformedList = errors.New("abi: malformed list")

// DecodePairsAliased decodes b, exactly one list as [AppendPairs] encodes
// it, into dst[:0] and returns it; an empty b is an empty list. The
// strings alias b, so b must never be modified afterwards. It allocates
// only when the list outgrows dst's capacity.
func DecodePairsAliased(b []byte, dst []Pair) ([]Pair, error) {
	if len(b) == 0 {
		return dst[:0], nil
	}
	d := decoder{b: b, alias: true}
	ps := d.pairs(dst)
	if d.bad || len(d.b) != 0 {
		return dst[:0], ErrMalformedList
	}
	return ps, nil
}

func appendPairs(dst []byte, ps []Pair) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(ps)))
	for _, p := range ps {
		dst = appendStr(dst, p.Name)
		dst = appendStr(dst, p.Value)
	}
	return dst
}

// decoder reads fields from b; after the first error every read returns a
// zero value and bad stays set, so callers check once at the end.
type decoder struct {
	b     []byte
	bad   bool
	alias bool // strings alias b instead of copying it
}

func (d *decoder) u32() uint32 {
	if d.bad || len(d.b) < 4 {
		d.bad = true
		return 0
	}
	v := binary.LittleEndian.Uint32(d.b)
	d.b = d.b[4:]
	return v
}

func (d *decoder) u64() uint64 {
	if d.bad || len(d.b) < 8 {
		d.bad = true
		return 0
	}
	v := binary.LittleEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}

func (d *decoder) str() string {
	n := d.u32()
	if d.bad || uint64(n) > uint64(len(d.b)) {
		d.bad = true
		return ""
	}
	var s string
	if d.alias {
		s = unsafe.String(unsafe.SliceData(d.b), int(n))
	} else {
		s = string(d.b[:n])
	}
	d.b = d.b[n:]
	return s
}

// pairs decodes a list into dst[:0], growing it as needed; an empty list
// decodes to dst[:0] (nil when dst is nil).
func (d *decoder) pairs(dst []Pair) []Pair {
	n := d.u32()
	// Each pair takes at least 8 bytes; a count that cannot fit is a lie.
	if d.bad || uint64(n)*8 > uint64(len(d.b)) {
		d.bad = true
		return dst[:0]
	}
	ps := slices.Grow(dst[:0], int(n))[:n]
	for i := range ps {
		ps[i].Name = d.str()
		ps[i].Value = d.str()
	}
	return ps
}

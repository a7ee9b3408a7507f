//go:build !wasip1

// Requests made by sandkittest, for handlers under go test: their body
// comes from memory instead of the body_read import.

package sandkit

import (
	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/guest-sdk/go/internal/testhook"
)

// testBody is the body of a request made by sandkittest.
type testBody struct {
	data  []byte
	limit int // bytes after which reading fails with ErrBodyTooLarge; 0: none
	off   int
}

func (b *testBody) read(p []byte) int32 {
	if b.limit > 0 && b.off >= b.limit && b.off < len(b.data) {
		return abi.ErrTooLarge
	}
	rest := b.data[b.off:]
	if b.limit > 0 && len(rest) > b.limit-b.off {
		rest = rest[:b.limit-b.off]
	}
	n := copy(p, rest)
	b.off += n
	return int32(n)
}

func init() {
	testhook.NewRequest = func(head abi.RequestHead, body []byte, limit int) any {
		r := &Request{head: head}
		r.body.test = &testBody{data: body, limit: limit}
		return r
	}
}

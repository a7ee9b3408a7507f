// Benchmarks of the request context: the hand-rolled deadline against
// context.WithDeadline, alone and with one derived context per request (a
// database statement's timeout).

package host

import (
	"context"
	"testing"
	"time"
)

func BenchmarkRequestContext(b *testing.B) {
	parent, cancel := context.WithCancel(context.Background()) // as net/http's
	defer cancel()
	c := &call{}
	for _, derive := range []bool{false, true} {
		name := "request"
		if derive {
			name = "request+statement"
		}
		b.Run(name+"/deadlineCtx", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				dctx, release := withDeadline(parent, time.Now().Add(time.Minute))
				dctx.call = c
				useRequestContext(dctx, derive)
				release()
			}
		})
		b.Run(name+"/context.WithDeadline", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				dctx, release := context.WithDeadline(parent, time.Now().Add(time.Minute))
				ctx := context.WithValue(dctx, callKey{}, c)
				useRequestContext(ctx, derive)
				release()
			}
		})
	}
}

// useRequestContext does what a request does with its context: the fuel
// counter asks Err, and a database statement derives a timeout from it.
func useRequestContext(ctx context.Context, derive bool) {
	_ = ctx.Err()
	if derive {
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		_ = sctx.Err()
		cancel()
	}
	_ = ctx.Err()
}

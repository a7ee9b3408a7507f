// Package phase times the phases of one operation — a tenant's wake: its
// registry checkout, placement, migrations, module load, instantiation,
// pages load, first request — when the caller asks for it. A Recorder
// rides in a context; code on the operation's path marks a phase with
//
//	defer phase.Start(ctx, "instantiate")()
//
// which costs one context lookup when no Recorder is there. Benchmarks
// (bench/density) read the Recorder to attribute a slow wake to a phase.
package phase

import (
	"context"
	"sync"
	"time"
)

// A Recorder collects the phases timed under the contexts that carry it.
// It is safe for concurrent use.
type Recorder struct {
	mu    sync.Mutex
	spans []Span
}

// Span is one timed phase.
type Span struct {
	Name  string
	Start time.Time
	Took  time.Duration
}

type key struct{}

// value is what a context carries.
type value struct{ r *Recorder }

// With returns a context that carries r.
func With(ctx context.Context, r *Recorder) context.Context {
	return context.WithValue(ctx, key{}, value{r: r})
}

// Carry returns to with from's Recorder, if from carries one: for work
// that runs under another context (a load the host owns) on behalf of
// from's operation.
func Carry(from, to context.Context) context.Context {
	if v, ok := from.Value(key{}).(value); ok {
		return context.WithValue(to, key{}, v)
	}
	return to
}

// Start begins phase name under ctx's Recorder and returns what ends it;
// without a Recorder it does nothing.
func Start(ctx context.Context, name string) (end func()) {
	v, ok := ctx.Value(key{}).(value)
	if !ok {
		return func() {}
	}
	start := time.Now()
	return func() {
		took := time.Since(start)
		v.r.mu.Lock()
		v.r.spans = append(v.r.spans, Span{Name: name, Start: start, Took: took})
		v.r.mu.Unlock()
	}
}

// Spans returns the phases recorded so far, in the order they ended.
func (r *Recorder) Spans() []Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Span(nil), r.spans...)
}

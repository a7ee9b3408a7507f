package main

import (
	"context"
	"log/slog"
	"testing"
	"time"
)

// lineHandler sends each record's message and attribute count to a channel.
type lineHandler struct{ c chan slog.Record }

func (h lineHandler) Enabled(context.Context, slog.Level) bool      { return true }
func (h lineHandler) Handle(_ context.Context, r slog.Record) error { h.c <- r; return nil }
func (h lineHandler) WithAttrs([]slog.Attr) slog.Handler            { return h }
func (h lineHandler) WithGroup(string) slog.Handler                 { return h }

// A step that runs past the first period says so with the reason, then
// again without it; after done, nothing more is logged.
func TestProgress(t *testing.T) {
	c := make(chan slog.Record, 16)
	done := progressWith(slog.New(lineHandler{c}), "building", "because", time.Millisecond, time.Millisecond)
	first, second := <-c, <-c
	done()
	if first.Message != "building…" || first.NumAttrs() != 2 || second.NumAttrs() != 1 {
		t.Errorf("records %q (%d attrs), %q (%d attrs)", first.Message, first.NumAttrs(), second.Message, second.NumAttrs())
	}
	for len(c) > 0 { // lines logged before done returned
		<-c
	}
	select {
	case r := <-c:
		t.Errorf("logged after done: %q", r.Message)
	default:
	}
	// A quick step logs nothing.
	done = progressWith(slog.New(lineHandler{c}), "quick", "", time.Hour, time.Hour)
	done()
	if len(c) != 0 {
		t.Error("a step shorter than the first period logged")
	}
}

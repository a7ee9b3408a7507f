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

// A transfer's progress lines say how much of it is sent.
func TestProgressBytes(t *testing.T) {
	c := make(chan slog.Record, 16)
	var sent int64 = 1_500_000
	done := progressLoop(slog.New(lineHandler{c}), "uploading", time.Millisecond, time.Hour, sentAttrs(func() int64 { return sent }, 4_000_000))
	r := <-c
	done()
	var got string
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "sent" {
			got = a.Value.String()
		}
		return true
	})
	if r.Message != "uploading…" || got != "1.5MB/4.0MB" {
		t.Errorf("record %q sent=%q", r.Message, got)
	}
}

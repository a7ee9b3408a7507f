// Progress: a step that runs longer than a second says so, and keeps
// saying so every few seconds, so a long first build is never silent.

package main

import (
	"log/slog"
	"time"
)

// Progress timing: the first line after progressAfter, then one every
// progressEvery.
const (
	progressAfter = time.Second
	progressEvery = 5 * time.Second
)

// progress logs "what…" with the time elapsed once the step has run for a
// second, and again every few seconds, until the returned done is called.
// hint, if not empty, goes with the first line (why the step is slow).
func progress(log *slog.Logger, what, hint string) (done func()) {
	return progressWith(log, what, hint, progressAfter, progressEvery)
}

// progressWith is progress with its two periods.
func progressWith(log *slog.Logger, what, hint string, after, every time.Duration) (done func()) {
	start := time.Now()
	stop := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTimer(after)
		defer t.Stop()
		first := true
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				attrs := []any{"elapsed", time.Since(start).Round(time.Second)}
				if first && hint != "" {
					attrs = append(attrs, "why", hint)
				}
				first = false
				log.Info(what+"…", attrs...)
				t.Reset(every)
			}
		}
	}()
	return func() {
		close(stop)
		<-finished
	}
}

// Progress: a step that runs longer than a second says so, and keeps
// saying so every few seconds, so a long first build or upload is never
// silent.

package main

import (
	"fmt"
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
	return progressLoop(log, what, after, every, func(first bool) []any {
		if first && hint != "" {
			return []any{"why", hint}
		}
		return nil
	})
}

// progressBytes is progress for a transfer of total bytes: each line
// says how many sent reports ("sent=1.2MB/4.0MB").
func progressBytes(log *slog.Logger, what string, sent func() int64, total int64) (done func()) {
	return progressLoop(log, what, progressAfter, progressEvery, sentAttrs(sent, total))
}

// sentAttrs is the attribute of a progress line of a transfer.
func sentAttrs(sent func() int64, total int64) func(bool) []any {
	return func(bool) []any {
		return []any{"sent", fmt.Sprintf("%s/%s", megabytes(sent()), megabytes(total))}
	}
}

// megabytes shows n bytes in MB with one decimal.
func megabytes(n int64) string { return fmt.Sprintf("%.1fMB", float64(n)/1e6) }

// progressLoop logs "what…" with the time elapsed and attrs(first) after
// after, then every every, until the returned done is called.
func progressLoop(log *slog.Logger, what string, after, every time.Duration, attrs func(first bool) []any) (done func()) {
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
				log.Info(what+"…", append([]any{"elapsed", time.Since(start).Round(time.Second)}, attrs(first)...)...)
				first = false
				t.Reset(every)
			}
		}
	}()
	return func() {
		close(stop)
		<-finished
	}
}

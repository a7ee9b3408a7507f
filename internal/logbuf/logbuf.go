// Package logbuf batches a log's writes: under load, many lines go out in
// one write instead of one system call per line.
//
// A [Writer] passes a line straight through when the log has been quiet
// for its delay, so a line written now and then appears at once, as it
// would unbuffered. Lines that follow within the delay are kept and go out
// together: when the delay has passed (a timer, or the next line after it),
// when the buffer is full, on [Writer.Flush], or on [Writer.Close]. Memory
// is bounded: a writer that fills the buffer writes it out itself, and
// other writers wait meanwhile. Lines keep their order. After Close, every
// write goes straight through, so lines logged during shutdown are kept.
package logbuf

import (
	"io"
	"sync"
	"time"
)

// Writer is a buffered io.Writer for a log; see the package doc. It is safe
// for concurrent use.
type Writer struct {
	out   io.Writer
	delay time.Duration
	size  int

	mu     sync.Mutex // guards the fields below
	buf    []byte
	spare  []byte    // the other buffer, while not being written
	last   time.Time // when buf was last handed to out
	armed  bool      // the timer will flush
	timer  *time.Timer
	closed bool
	err    error // the first error out returned

	outMu sync.Mutex // held while writing to out; taken under mu, so writes keep their order
}

// New returns a Writer that writes to out in batches of at most size bytes
// (a single longer line is written alone), at most delay after the first
// line of a batch.
func New(out io.Writer, delay time.Duration, size int) *Writer {
	w := &Writer{out: out, delay: delay, size: size, buf: make([]byte, 0, size)}
	w.timer = time.AfterFunc(time.Hour, w.timedFlush)
	w.timer.Stop()
	return w
}

// Write keeps p for the next batch, or writes it out at once when the log
// was quiet for the delay, the buffer is full or w is closed. It returns
// len(p) and the first error of an earlier write to out, if any.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	if w.closed {
		w.outMu.Lock()
		w.mu.Unlock()
		_, err := w.out.Write(p)
		w.outMu.Unlock()
		return len(p), err
	}
	w.buf = append(w.buf, p...)
	now := time.Now()
	if len(w.buf) >= w.size || now.Sub(w.last) >= w.delay {
		return len(p), w.flushLocked(now)
	}
	if !w.armed {
		w.armed = true
		w.timer.Reset(w.delay - now.Sub(w.last))
	}
	err := w.err
	w.mu.Unlock()
	return len(p), err
}

// Flush writes out what w holds.
func (w *Writer) Flush() error {
	w.mu.Lock()
	return w.flushLocked(time.Now())
}

// Close flushes w; later writes go straight to out. It does not close out.
func (w *Writer) Close() error {
	w.mu.Lock()
	w.closed = true
	w.timer.Stop()
	w.armed = false
	return w.flushLocked(time.Now())
}

func (w *Writer) timedFlush() {
	w.mu.Lock()
	w.armed = false
	w.flushLocked(time.Now())
}

// flushLocked hands the buffer to out and unlocks w.mu. Other writers fill
// the spare buffer meanwhile; one that fills it too waits for this write
// (it takes outMu still holding mu), which bounds the memory at two
// buffers.
func (w *Writer) flushLocked(now time.Time) error {
	if len(w.buf) == 0 {
		err := w.err
		w.mu.Unlock()
		return err
	}
	b := w.buf
	w.buf, w.spare = w.spare[:0], nil
	w.last = now
	w.outMu.Lock()
	w.mu.Unlock()
	_, err := w.out.Write(b)
	w.outMu.Unlock()

	w.mu.Lock()
	if err != nil && w.err == nil {
		w.err = err
	}
	if w.spare == nil && cap(b) <= 2*w.size {
		w.spare = b[:0]
	}
	err = w.err
	w.mu.Unlock()
	return err
}

// Log writer: a guest's stdout and stderr, line by line, into the host log.

package host

import (
	"bytes"
	"context"
	"log/slog"
	"sync"

	"sandkit.dev/sandkit/abi"
)

// logWriter turns written bytes into one log record per line, tagged with
// the module. A line longer than abi.MaxLogRecord is cut into records.
// While the instance serves a request, records count against that
// request's log budget.
type logWriter struct {
	log     *slog.Logger
	module  string
	version string

	mu   sync.Mutex
	buf  []byte
	call *call // the request being served, if any
}

// serving sets the request whose budget records count against (nil between
// requests).
func (w *logWriter) serving(c *call) {
	w.mu.Lock()
	w.call = c
	w.mu.Unlock()
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			w.buf = append(w.buf, p...)
			if len(w.buf) >= abi.MaxLogRecord {
				w.emit()
			}
			break
		}
		w.buf = append(w.buf, p[:i]...)
		w.emit()
		p = p[i+1:]
	}
	return n, nil
}

func (w *logWriter) emit() {
	line := w.buf
	w.buf = w.buf[:0]
	if len(line) > abi.MaxLogRecord {
		line = line[:abi.MaxLogRecord]
	}
	if w.call != nil && isOutOfMemoryLine(line) {
		w.call.outOfMemory = true
	}
	if w.call != nil && !w.call.allowLog(context.Background(), len(line)) {
		return
	}
	w.log.Info(string(line), "source", "guest-output", "module", w.module, "version", w.version)
}

// reset drops a partial line left by the request before, so an instance
// reset to its restore point starts with nothing of it (isolation.go).
func (w *logWriter) reset() {
	w.mu.Lock()
	w.buf = w.buf[:0]
	w.mu.Unlock()
}

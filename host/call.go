// Call: the state of one request while a guest serves it, reached by host
// functions through the context of the guest call.

package host

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/internal/sched"
)

// call is one request in flight inside a guest.
type call struct {
	slot []byte // the result slot (spec/abi.md §3)

	body      io.Reader
	bodyRead  int64
	bodyLimit int64
	bodyErr   bool

	status      int
	header      http.Header
	nheaders    int
	pairs       []abi.Pair // resp_send's decoded headers, kept for their capacity
	bodyStarted bool
	out         bytes.Buffer
	outLimit    int64
	overflow    bool // the guest wrote past the response limit
	outOfMemory bool // the guest ran out of linear memory (oom.go)

	env     map[string]string
	log     *requestLog
	logLeft int64 // bytes the guest may still log (limits.log_bytes)
	logOver bool  // the budget ran out; the one record saying so is written

	db  *appdb.DB      // the app's database (nil: none); host functions reach it only here
	dbs *appdb.Session // the request's database connection, once it used one

	run sched.Ticket // the call's claim on its app's CPU share (scheduler.go)
}

// requestLog is the logger of one request, made only when something is
// logged: most requests log one access line and nothing else. Its base
// logger already carries the route's attributes (route, module, version),
// which the log handler formats once per route rather than once per
// request (WithAttrs); only the request's own attributes are formatted per
// line.
type requestLog struct {
	base   *slog.Logger // the route's logger
	id     string       // request_id
	logger *slog.Logger
}

// get returns a logger that adds the request's id to the route's logger.
func (l *requestLog) get() *slog.Logger {
	if l.logger == nil {
		l.logger = slog.New(l.base.Handler().WithAttrs([]slog.Attr{slog.String("request_id", l.id)}))
	}
	return l.logger
}

// access logs the end of the request at level, if the level is enabled:
// the request's id, method, path, status, the time since start and err, if
// not nil.
func (l *requestLog) access(ctx context.Context, level slog.Level, msg, method, path string, status int, start time.Time, err error) {
	h := l.base.Handler()
	if !h.Enabled(ctx, level) {
		return
	}
	// The record is made here rather than by Logger.LogAttrs, which asks
	// the runtime for its caller (~0.1 us) for a source position that is
	// always this line. Five attributes fit in a slog.Record without an
	// allocation.
	now := time.Now()
	r := slog.NewRecord(now, level, msg, 0)
	r.AddAttrs(slog.String("request_id", l.id), slog.String("method", method),
		slog.String("path", path), slog.Int("status", status), slog.Duration("took", now.Sub(start)))
	if err != nil {
		r.AddAttrs(slog.Any("err", err))
	}
	h.Handle(ctx, r)
}

var calls = sync.Pool{New: func() any { return &call{header: http.Header{}, slot: make([]byte, 0, 512)} }}

// newCall returns a blank call, reusing the buffers of a finished one.
func newCall() *call {
	c := calls.Get().(*call)
	c.status = http.StatusOK
	return c
}

// maxKeptBuffer is the largest buffer a finished call keeps for the next.
const maxKeptBuffer = 64 << 10

// release returns c for reuse; nothing may hold c or its buffers after.
func (c *call) release() {
	c.run.Release()
	if c.dbs != nil {
		c.dbs.Close()
	}
	h, slot, out, pairs := c.header, c.slot, c.out, c.pairs
	clear(h)
	clear(pairs[:cap(pairs)])
	if cap(pairs) > abi.MaxHeaders {
		pairs = nil
	}
	large := cap(slot) >= reclaimAbove || out.Cap() >= reclaimAbove
	if cap(slot) > maxKeptBuffer {
		slot = make([]byte, 0, 512)
	}
	if out.Cap() > maxKeptBuffer {
		out = bytes.Buffer{}
	}
	out.Reset()
	*c = call{header: h, slot: slot[:0], out: out, pairs: pairs[:0]}
	calls.Put(c)
	if large {
		reclaimMemory()
	}
}

// callKey is the context key of a request's call state; the request's
// deadlineCtx answers it (see deadline.go for why not context.WithValue).
type callKey struct{}

func callFrom(ctx context.Context) *call {
	c, _ := ctx.Value(callKey{}).(*call)
	return c
}

type loggerKey struct{}

// withLogger makes log the target of the guest's log calls outside a
// request (while an instance initialises).
func withLogger(ctx context.Context, log *slog.Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, log)
}

// loggerFrom returns the logger for a guest's log call.
func loggerFrom(ctx context.Context) *slog.Logger {
	if c := callFrom(ctx); c != nil {
		return c.log.get()
	}
	l, _ := ctx.Value(loggerKey{}).(*slog.Logger)
	return l
}

// readBody reads the next chunk of the request body into p, counting it
// against the body limit. The read may wait for the client: the call's CPU
// slot, if it holds one, is given back meanwhile.
func (c *call) readBody(ctx context.Context, p []byte) (int, error) {
	held := c.run.Suspend()
	defer c.run.Resume(ctx, held)
	if c.body == nil {
		return 0, io.EOF
	}
	if c.bodyErr {
		return 0, errBodyTooLarge
	}
	if c.bodyRead >= c.bodyLimit {
		// One byte more tells a body exactly at the limit from a longer one.
		var one [1]byte
		n, _ := io.ReadFull(c.body, one[:])
		if n > 0 {
			c.bodyErr = true
			return 0, errBodyTooLarge
		}
		return 0, io.EOF
	}
	if rest := c.bodyLimit - c.bodyRead; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := c.body.Read(p)
	c.bodyRead += int64(n)
	if n > 0 {
		return n, nil
	}
	if err == nil {
		return 0, nil
	}
	return 0, err
}

type bodyTooLargeError struct{}

func (bodyTooLargeError) Error() string { return "request body over limits.body_bytes" }

var errBodyTooLarge error = bodyTooLargeError{}

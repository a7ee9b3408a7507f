// Invoke: serving one HTTP request with a module, reactor or command.

package host

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"time"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/internal/httperr"
	"sandkit.dev/sandkit/host/internal/sched"
)

// outcome is how a request ended, for the access log.
type outcome struct {
	status int
	err    error // the guest's failure, if any
}

// serve runs the request in a guest and writes the response. Failures of
// the guest become 500 (or 504 at the deadline); nothing the guest wrote is
// sent unless it completes.
func (m *Module) serve(ctx context.Context, w http.ResponseWriter, r *http.Request, head *abi.RequestHead, log *requestLog) outcome {
	c := newCall()
	defer c.release()
	c.body = r.Body
	c.bodyLimit = m.sb.limits.BodyBytes
	c.outLimit = m.sb.limits.ResponseBytes
	c.env = m.sb.env
	c.db = m.sb.db
	c.log = log
	c.logLeft = m.sb.limits.LogBytes
	c.slot = abi.AppendRequestHead(c.slot[:0], head)
	if len(c.slot) > abi.MaxHead {
		return fail(w, http.StatusRequestHeaderFieldsTooLarge, fmt.Errorf("request head of %d bytes over %d", len(c.slot), abi.MaxHead))
	}
	if m.kind == command && len(head.Headers) > abi.MaxCGIHeaders {
		// Each header is an environment variable, and wazero's WithEnv
		// copies every variable set so far: n headers cost O(n²) host time
		// (16,000 took 11 s) before the guest even starts.
		return fail(w, http.StatusRequestHeaderFieldsTooLarge, fmt.Errorf("%d request headers for a command guest, over %d", len(head.Headers), abi.MaxCGIHeaders))
	}
	dctx, release := withDeadline(ctx, time.Now().Add(m.sb.limits.RequestTimeout.Std()))
	defer release()
	dctx.call = c // not context.WithValue, which would hide dctx's AfterFunc from derived contexts
	ctx = dctx

	c.run = sched.NewTicket(m.sb.group)
	var err error
	if m.kind == command {
		err = m.runCommand(ctx, c, head)
	} else {
		err = m.runReactor(ctx, c)
	}
	c.run.Release() // before the response goes to a client that may be slow
	switch {
	case errors.Is(err, errClosed):
		return outcome{err: errClosed} // nothing written; the caller retries
	case err != nil && ctx.Err() == context.DeadlineExceeded:
		return fail(w, http.StatusGatewayTimeout, fmt.Errorf("%s@%s: stopped at the %v deadline: %w", m.name, m.version, m.sb.limits.RequestTimeout, err))
	case err != nil && c.outOfMemory:
		msg := outOfMemoryMessage(m.sb.limits.MemoryPages)
		httperr.JSON(w, http.StatusInternalServerError, msg)
		return outcome{status: http.StatusInternalServerError, err: fmt.Errorf("%s@%s: %s: %w", m.name, m.version, msg, err)}
	case err != nil:
		return fail(w, http.StatusInternalServerError, fmt.Errorf("%s@%s: %w", m.name, m.version, err))
	case c.overflow:
		return fail(w, http.StatusInternalServerError, fmt.Errorf("%s@%s: response over limits.response_bytes (%d)", m.name, m.version, c.outLimit))
	case c.bodyErr && c.status < 400:
		return fail(w, http.StatusRequestEntityTooLarge, fmt.Errorf("%s@%s: request body over limits.body_bytes (%d)", m.name, m.version, c.bodyLimit))
	}
	h := w.Header()
	for k, v := range c.header {
		h[k] = v
	}
	h.Set("Content-Length", strconv.Itoa(c.out.Len()))
	w.WriteHeader(c.status)
	w.Write(c.out.Bytes())
	return outcome{status: c.status}
}

// runReactor serves the call on a pooled instance. It returns errClosed,
// before running anything, if this version was retired meanwhile.
func (m *Module) runReactor(ctx context.Context, c *call) error {
	inst, err := m.pool.get(ctx)
	if err != nil {
		return err
	}
	inst.stack[0] = uint64(len(c.slot))
	inst.out.serving(c)
	err = inst.handle.CallWithStack(ctx, inst.stack[:])
	inst.out.serving(nil)
	if err != nil && inst.memoryPages() >= m.sb.limits.MemoryPages {
		c.outOfMemory = true // it trapped with no room left to grow
	}
	rc := int32(uint32(inst.stack[0]))
	m.pool.put(inst, err == nil && rc == abi.HandleOK && !c.overflow)
	if err != nil {
		return err
	}
	if rc != abi.HandleOK {
		return fmt.Errorf("%s returned %d", abi.ExportHandle, rc)
	}
	return nil
}

func fail(w http.ResponseWriter, status int, err error) outcome {
	httperr.JSON(w, status, http.StatusText(status)) // the cause goes to the log only
	return outcome{status: status, err: err}
}

// sortedHeaders lists r's headers as pairs in a stable order: Host, then
// the headers sorted by name. The client's address is added as
// Sandkit-Client-Ip, and a copy the client sent is dropped, so a guest can
// trust it (spec/abi.md §4).
func sortedHeaders(r *http.Request) []abi.Pair {
	names := make([]string, 0, len(r.Header)+1)
	n := 2
	for k, vs := range r.Header {
		if k == abi.HeaderClientIP {
			continue
		}
		names = append(names, k)
		n += len(vs)
	}
	ip := clientIP(r)
	if ip != "" {
		names = append(names, abi.HeaderClientIP)
	}
	slices.Sort(names)
	ps := make([]abi.Pair, 0, n)
	ps = append(ps, abi.Pair{Name: "Host", Value: r.Host})
	for _, k := range names {
		if k == abi.HeaderClientIP {
			ps = append(ps, abi.Pair{Name: k, Value: ip})
			continue
		}
		for _, v := range r.Header[k] {
			ps = append(ps, abi.Pair{Name: k, Value: v})
		}
	}
	return ps
}

// clientIP is the IP address of r's TCP peer, or "" when r has none (a
// request made in process).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return ""
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.Unmap().String()
	}
	return ""
}

// CGI: command-style guests, run once per request in a fresh instance with
// the request in the environment and on stdin (spec/abi.md §7).

package host

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/sys"

	"sandkit.dev/sandkit/abi"
)

// runCommand runs a command module for the call and parses its CGI output
// into the call's response.
func (m *Module) runCommand(ctx context.Context, c *call, head *abi.RequestHead) error {
	stdout := &limitedBuffer{limit: c.outLimit + 64<<10} // room for the header block
	out := m.logWriter()
	out.serving(c)
	cfg := m.moduleConfig(out).
		WithStdin(&callBody{c: c, ctx: ctx}).
		WithStdout(stdout).
		WithStartFunctions(abi.ExportStart).
		WithArgs("handler")
	for k, v := range cgiEnv(head, c.env) {
		cfg = cfg.WithEnv(k, v)
	}
	ctx = experimental.WithMemoryAllocator(ctx, memoryAllocator())
	mod, err := m.sb.instantiate(ctx, m, cfg)
	if mod != nil {
		defer m.sb.closeInstance(m, mod)
	}
	var exit *sys.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 0 {
		err = nil
	}
	if err != nil {
		return err
	}
	if stdout.over {
		c.overflow = true
		return nil
	}
	return parseCGI(stdout.Bytes(), c)
}

// cgiEnv builds the CGI/1.1 environment of a request.
func cgiEnv(h *abi.RequestHead, appEnv map[string]string) map[string]string {
	env := make(map[string]string, len(appEnv)+len(h.Headers)+len(h.Params)+10)
	for k, v := range appEnv {
		env[k] = v
	}
	env["GATEWAY_INTERFACE"] = "CGI/1.1"
	env["SERVER_PROTOCOL"] = "HTTP/1.1"
	env["REQUEST_METHOD"] = h.Method
	env["PATH_INFO"] = h.Path
	env["QUERY_STRING"] = h.Query
	env["SANDKIT_ROUTE"] = h.Route
	env["SANDKIT_REQUEST_ID"] = h.RequestID
	if h.ContentLength >= 0 {
		env["CONTENT_LENGTH"] = strconv.FormatInt(h.ContentLength, 10)
	}
	for _, p := range h.Params {
		env["SANDKIT_PARAM_"+p.Name] = p.Value
	}
	for _, p := range h.Headers {
		if p.Name == "Content-Type" {
			env["CONTENT_TYPE"] = p.Value
		}
		k := "HTTP_" + strings.ToUpper(strings.ReplaceAll(p.Name, "-", "_"))
		if old, ok := env[k]; ok {
			env[k] = old + ", " + p.Value
		} else {
			env[k] = p.Value
		}
	}
	return env
}

// parseCGI reads a CGI response: header lines, a blank line, the body.
func parseCGI(out []byte, c *call) error {
	hend, bstart := -1, 0
	if i := bytes.Index(out, []byte("\n\n")); i >= 0 {
		hend, bstart = i, i+2
	}
	if i := bytes.Index(out, []byte("\r\n\r\n")); i >= 0 && (hend < 0 || i < hend) {
		hend, bstart = i, i+4
	}
	if hend < 0 {
		return fmt.Errorf("CGI output has no empty line after its headers (spec/abi.md §7)")
	}
	block := append(out[:hend:hend], "\n\n"...)
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(block)))
	hdr, err := tp.ReadMIMEHeader()
	if err != nil && err != io.EOF {
		return fmt.Errorf("CGI headers: %w", err)
	}
	if st := hdr.Get("Status"); st != "" {
		code, _, _ := strings.Cut(st, " ")
		n, err := strconv.Atoi(code)
		if err != nil || n < 100 || n > 999 {
			return fmt.Errorf("CGI Status %q is not a status code", st)
		}
		c.status = n
		hdr.Del("Status")
	} else if hdr.Get("Location") != "" {
		c.status = 302 // RFC 3875 §6.2.3: a redirect without a status
	}
	lines := 0
	for _, vs := range hdr {
		lines += len(vs)
	}
	if lines > abi.MaxHeaders {
		return fmt.Errorf("CGI output has %d header lines, over %d", lines, abi.MaxHeaders)
	}
	for k, vs := range hdr {
		if reservedHeader([]byte(k)) {
			continue // the host sets these
		}
		for _, v := range vs {
			if !validHeader(k, v) {
				return fmt.Errorf("CGI header %q is not valid", k)
			}
			c.header.Add(k, v)
		}
	}
	body := out[bstart:]
	if int64(len(body)) > c.outLimit {
		c.overflow = true
		return nil
	}
	c.out.Write(body)
	return nil
}

// limitedBuffer keeps at most limit bytes and notes that more came.
type limitedBuffer struct {
	bytes.Buffer
	limit int64
	over  bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if int64(b.Len()+len(p)) > b.limit {
		b.over = true
		return 0, errors.New("output over limits.response_bytes")
	}
	return b.Buffer.Write(p)
}

// callBody reads the request body as stdin, within the body limit.
type callBody struct {
	c   *call
	ctx context.Context // the guest call's
}

func (r *callBody) Read(p []byte) (int, error) {
	n, err := r.c.readBody(r.ctx, p)
	if n == 0 && err == nil {
		return 0, io.EOF
	}
	return n, err
}

// Errors a render or a load can end with, and how a failure is classified.

package pages

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrDeadline: the render ran past its deadline and was interrupted.
	ErrDeadline = errors.New("render interrupted at its deadline")
	// ErrMemoryLimit: the instance reached its memory limit.
	ErrMemoryLimit = errors.New("QuickJS instance reached its memory limit")
	// ErrTrap: the wasm instance trapped (for example its stack overflowed
	// or QuickJS aborted).
	ErrTrap = errors.New("QuickJS instance trapped")
	// ErrBadInput: Render was given bytes that cannot be a JSON text.
	ErrBadInput = errors.New("bad render input")
	// ErrClosed: the Renderer or Engine was closed.
	ErrClosed = errors.New("renderer closed")
)

// JSError is an exception thrown by JavaScript code: a page that threw, or
// a bundle that failed to evaluate.
type JSError struct {
	Name    string `json:"name"`
	Message string `json:"message"`
	Stack   string `json:"stack"`
}

func (e *JSError) Error() string {
	s := e.Message
	if e.Name != "" {
		s = e.Name + ": " + s
	}
	if e.Stack != "" {
		s += "\n" + e.Stack
	}
	return s
}

// fatal says whether err leaves the instance unfit for another render.
func fatal(err error) bool {
	if err == nil || errors.Is(err, ErrBadInput) {
		return false
	}
	var js *JSError
	return !(errors.As(err, &js) && !errors.Is(err, ErrDeadline) && !errors.Is(err, ErrMemoryLimit))
}

// classify wraps err with what the host functions saw during the call: a
// deadline, a refused memory growth, or a trap. A trap after the call's
// context ended is a deadline too (a host function added with
// WithModuleRewrite stopped the guest).
func classify(st *callState, err error) error {
	var js *JSError
	isJS := errors.As(err, &js)
	switch {
	case st.interrupted || (!isJS && st.ctx != nil && st.ctx.Err() != nil):
		return fmt.Errorf("%w (QuickJS: %v)", ErrDeadline, firstLine(err))
	case st.outOfMemory || (isJS && strings.Contains(js.Message, "out of memory")):
		return fmt.Errorf("%w: %v (hint: raise WithMemoryLimitPages, or render less)", ErrMemoryLimit, firstLine(err))
	case isJS:
		return err
	case errors.Is(err, ErrMemoryLimit):
		return err
	default:
		return fmt.Errorf("%w: %v", ErrTrap, err)
	}
}

func firstLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Pages session: esbuild contexts kept between page builds of one app, so
// that a rebuild after an edit reparses only the files that changed (React
// and the other packages stay parsed). For "sandkit dev".

package compiler

import (
	"sync"

	"github.com/evanw/esbuild/pkg/api"
)

// PagesSession keeps esbuild's work between BuildPages calls for one app
// with the same options: pass it as PagesOptions.Session. Close it when
// done. A zero PagesSession is not usable; make one with NewPagesSession.
type PagesSession struct {
	mu   sync.Mutex
	ctxs map[string]*sessionCtx // by build: "client", "server"
}

type sessionCtx struct {
	src string // the generated entry the context was made for
	ctx api.BuildContext
}

// NewPagesSession returns an empty session.
func NewPagesSession() *PagesSession {
	return &PagesSession{ctxs: map[string]*sessionCtx{}}
}

// build runs bo as an incremental rebuild of the session's context for
// kind, made anew when the generated entry src changed (a page or layout
// came or went) or on first use. Without a session it is api.Build.
func (s *PagesSession) build(kind, src string, bo api.BuildOptions) api.BuildResult {
	if s == nil {
		return api.Build(bo)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.ctxs[kind]
	if c == nil || c.src != src {
		if c != nil {
			c.ctx.Dispose()
			delete(s.ctxs, kind)
		}
		ctx, err := api.Context(bo)
		if err != nil {
			return api.BuildResult{Errors: err.Errors}
		}
		c = &sessionCtx{src: src, ctx: ctx}
		s.ctxs[kind] = c
	}
	return c.ctx.Rebuild()
}

// Close releases the session's esbuild contexts.
func (s *PagesSession) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, c := range s.ctxs {
		c.ctx.Dispose()
		delete(s.ctxs, k)
	}
}

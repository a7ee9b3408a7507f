// Dev stacks: a render error's stack points into the server bundle; with
// the bundle's source map (written by a dev build) its frames are mapped
// back to the app's files, routes/page.tsx:12:7.

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-sourcemap/sourcemap"
)

// sourceMap is a server bundle's source map (decoded by go-sourcemap),
// with its sources made relative to the app folder.
type sourceMap struct {
	c              *sourcemap.Consumer
	appDir, mapDir string
}

// parseSourceMap decodes b; sources are made relative to appDir, the map
// file being in mapDir.
func parseSourceMap(b []byte, appDir, mapDir string) (*sourceMap, error) {
	c, err := sourcemap.Parse("", b)
	if err != nil {
		return nil, err
	}
	return &sourceMap{c: c, appDir: appDir, mapDir: mapDir}, nil
}

// lookup maps a 1-based generated line and column to a source position.
func (m *sourceMap) lookup(line, col int) (file string, srcLine, srcCol int, ok bool) {
	src, _, srcLine, srcCol, ok := m.c.Source(line, col-1)
	if !ok {
		return "", 0, 0, false
	}
	return m.relative(src), srcLine, srcCol + 1, true
}

// relative is source as a slash path relative to the app folder, or as it
// is for a virtual module (sandkit:client/...) or a file outside the app.
func (m *sourceMap) relative(source string) string {
	if strings.Contains(source, ":") {
		return source
	}
	p := filepath.Join(m.mapDir, filepath.FromSlash(source))
	if rel, err := filepath.Rel(m.appDir, p); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return source
}

// frameRE finds a stack frame's position: (NAME:LINE:COL) or NAME:LINE:COL
// after "at ".
var frameRE = regexp.MustCompile(`([A-Za-z0-9_.\-]+):(\d+):(\d+)`)

// stackMapper maps render stacks of one app with its server bundle's map,
// read again when the file changes.
type stackMapper struct {
	appDir string
	mu     sync.Mutex
	mtime  time.Time
	m      *sourceMap
}

func (s *stackMapper) current() *sourceMap {
	p := filepath.Join(s.appDir, ".sandkit", "build", "pages", "server.js.map")
	fi, err := os.Stat(p)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m != nil && fi.ModTime().Equal(s.mtime) {
		return s.m
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil
	}
	// esbuild wrote the map's source paths relative to the server build's
	// output folder, server-tmp (compiler.buildServer), not to the folder
	// the map was published in.
	m, err := parseSourceMap(b, s.appDir, filepath.Join(filepath.Dir(p), "server-tmp"))
	if err != nil {
		return nil
	}
	s.m, s.mtime = m, fi.ModTime()
	return m
}

// mapStack rewrites the positions in text that point into the bundle named
// bundle (QuickJS names it after the app) to the app's sources.
func (s *stackMapper) mapStack(text, bundle string) string {
	m := s.current()
	if m == nil {
		return text
	}
	return frameRE.ReplaceAllStringFunc(text, func(f string) string {
		sub := frameRE.FindStringSubmatch(f)
		if sub[1] != bundle {
			return f
		}
		line, _ := strconv.Atoi(sub[2])
		col, _ := strconv.Atoi(sub[3])
		file, l, c, ok := m.lookup(line, col)
		if !ok {
			return f
		}
		return file + ":" + strconv.Itoa(l) + ":" + strconv.Itoa(c)
	})
}

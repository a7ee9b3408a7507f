// Dev stacks: a render error's stack points into the server bundle; with
// the bundle's source map (written by a dev build) its frames are mapped
// back to the app's files, routes/page.tsx:12:7.

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// sourceMap is a decoded source map (version 3): for each generated line,
// its segments sorted by column.
type sourceMap struct {
	sources []string // relative to the app folder, with slashes
	lines   [][]mapSegment
}

type mapSegment struct {
	genCol, src, srcLine, srcCol int // 0-based
}

// parseSourceMap decodes b; sources are made relative to appDir, the map
// file being in mapDir.
func parseSourceMap(b []byte, appDir, mapDir string) (*sourceMap, error) {
	var raw struct {
		Version    int      `json:"version"`
		SourceRoot string   `json:"sourceRoot"`
		Sources    []string `json:"sources"`
		Mappings   string   `json:"mappings"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	if raw.Version != 3 {
		return nil, fmt.Errorf("source map version %d, want 3", raw.Version)
	}
	m := &sourceMap{}
	for _, s := range raw.Sources {
		if strings.Contains(s, ":") { // a virtual module (sandkit:client/...)
			m.sources = append(m.sources, s)
			continue
		}
		p := filepath.Join(mapDir, filepath.FromSlash(raw.SourceRoot), filepath.FromSlash(s))
		if rel, err := filepath.Rel(appDir, p); err == nil && !strings.HasPrefix(rel, "..") {
			s = filepath.ToSlash(rel)
		}
		m.sources = append(m.sources, s)
	}
	var src, srcLine, srcCol int
	for _, line := range strings.Split(raw.Mappings, ";") {
		var segs []mapSegment
		genCol := 0
		for _, seg := range strings.Split(line, ",") {
			if seg == "" {
				continue
			}
			f, err := decodeVLQ(seg)
			if err != nil {
				return nil, err
			}
			genCol += f[0]
			if len(f) >= 4 {
				src += f[1]
				srcLine += f[2]
				srcCol += f[3]
				if src < 0 || src >= len(m.sources) {
					return nil, fmt.Errorf("source map: source index %d out of range", src)
				}
				segs = append(segs, mapSegment{genCol, src, srcLine, srcCol})
			}
		}
		m.lines = append(m.lines, segs)
	}
	return m, nil
}

// decodeVLQ decodes one segment's base64 VLQ fields.
func decodeVLQ(s string) ([]int, error) {
	var out []int
	v, shift := 0, 0
	for i := 0; i < len(s); i++ {
		d := strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", s[i])
		if d < 0 || shift > 30 {
			return nil, fmt.Errorf("source map: bad mapping %q", s)
		}
		v += (d & 31) << shift
		if d&32 != 0 {
			shift += 5
			continue
		}
		n := v >> 1
		if v&1 != 0 {
			n = -n
		}
		out = append(out, n)
		v, shift = 0, 0
	}
	if shift != 0 {
		return nil, fmt.Errorf("source map: truncated mapping %q", s)
	}
	return out, nil
}

// lookup maps a 1-based generated line and column to a source position.
func (m *sourceMap) lookup(line, col int) (file string, srcLine, srcCol int, ok bool) {
	if line < 1 || line > len(m.lines) {
		return "", 0, 0, false
	}
	segs := m.lines[line-1]
	i := sort.Search(len(segs), func(i int) bool { return segs[i].genCol > col-1 }) - 1
	if i < 0 {
		return "", 0, 0, false
	}
	s := segs[i]
	return m.sources[s.src], s.srcLine + 1, s.srcCol + 1, true
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

// Snapshots on disk: a Renderer's snapshot written to the engine's cache
// folder the first time its bundle is loaded, so that loading the same
// bundle again (an evicted app woken, or a new process) maps the image
// instead of evaluating the bundle: a load, not a run.

package pages

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"sandkit.dev/sandkit/internal/linearmem"
)

// snapshotMagic opens every snapshot file; bump its version when what a
// snapshot holds changes.
const snapshotMagic = "sandkit-quickjs-snapshot v1\n"

// snapshotHeader is the JSON line after the magic. The file then holds the
// pages of the image listed in Pages, in that order; every other page is
// zeros.
type snapshotHeader struct {
	Size    uint64   `json:"size"`    // bytes of linear memory
	Globals []uint64 `json:"globals"` // Engine.info.mutableGlobals' values
	Layout  [5]uint32
	Pages   []uint32 `json:"pages"` // indexes of the non-zero 4 KiB pages
}

// snapshotKey names the snapshot of a bundle loaded with cfg: everything
// that decides the state a fresh instance reaches. The app's name is part
// of it (it is the bundle's file name in stack traces), so no two apps
// ever share a snapshot file.
func (e *Engine) snapshotKey(name string, bundle []byte, cfg loadConfig) string {
	h := sha256.New()
	h.Write([]byte(snapshotMagic))
	h.Write(e.wasmSum[:])
	var n [8]byte
	field := func(b []byte) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	field([]byte(prelude))
	field([]byte(renderWrapper))
	field([]byte(name))
	field(bundle)
	field(cfg.warmup)
	binary.LittleEndian.PutUint64(n[:], uint64(cfg.memPages)<<32|maxStackSize)
	h.Write(n[:])
	return hex.EncodeToString(h.Sum(nil))
}

func (e *Engine) snapshotPath(key string) string {
	return filepath.Join(e.snapDir, key[:2], key+".snap")
}

// readSnapshot returns the snapshot stored under key, or nil if there is
// none or it does not check out (it is then written again). The pages are
// read from the file straight into the image: a wake allocates no heap for
// them (megabytes each, which made the collector run more often).
func (e *Engine) readSnapshot(key string) (*snapshot, error) {
	f, err := os.Open(e.snapshotPath(key))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	e.touchSnapshot(key) // used: the last the bound removes (snapshot_prune.go)
	br := bufio.NewReaderSize(f, 4096)
	magic := make([]byte, len(snapshotMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != snapshotMagic {
		return nil, fmt.Errorf("not a snapshot file")
	}
	line, err := br.ReadBytes('\n')
	if err != nil {
		return nil, fmt.Errorf("truncated header")
	}
	dataOff := int64(len(snapshotMagic) + len(line))
	var hd snapshotHeader
	if err := json.Unmarshal(line, &hd); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	npages := hd.Size / pageSize
	switch {
	case hd.Size == 0 || hd.Size%65536 != 0 || hd.Size > uint64(e.limit)*65536:
		return nil, fmt.Errorf("memory of %d bytes", hd.Size)
	case len(hd.Globals) != len(e.info.mutableGlobals):
		return nil, fmt.Errorf("%d globals, want %d", len(hd.Globals), len(e.info.mutableGlobals))
	case uint64(fi.Size()-dataOff) != uint64(len(hd.Pages))*pageSize:
		return nil, fmt.Errorf("%d bytes of pages, want %d", fi.Size()-dataOff, len(hd.Pages)*pageSize)
	}
	for i, p := range hd.Pages {
		if uint64(p) >= npages || (i > 0 && p <= hd.Pages[i-1]) {
			return nil, fmt.Errorf("page index %d out of order or range", p)
		}
	}
	img, err := buildMemImage(hd.Size, func(w []byte) error {
		// One read per run of consecutive pages.
		for i := 0; i < len(hd.Pages); {
			j := i + 1
			for j < len(hd.Pages) && hd.Pages[j] == hd.Pages[j-1]+1 {
				j++
			}
			p := uint64(hd.Pages[i])
			if _, err := f.ReadAt(w[p*pageSize:(p+uint64(j-i))*pageSize], dataOff+int64(i)*pageSize); err != nil {
				return fmt.Errorf("pages: %w", err)
			}
			i = j
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	l := hd.Layout
	return &snapshot{img: img, pages: uint32(hd.Size / 65536), globals: hd.Globals,
		lay: layout{rt: l[0], ctx: l[1], fn: l[2], argv: l[3], undefined: l[4]}}, nil
}

// writeSnapshot stores s, taken of the memory view, under key: written
// beside, then renamed, so a reader sees a whole file or none. It reads the
// instance's memory, not the image, whose holes reading would fill.
func (e *Engine) writeSnapshot(key string, s *snapshot, view []byte) error {
	hd := snapshotHeader{Size: uint64(len(view)), Globals: s.globals,
		Layout: [5]uint32{s.lay.rt, s.lay.ctx, s.lay.fn, s.lay.argv, s.lay.undefined}}
	var data []byte
	for off := 0; off < len(view); off += pageSize {
		if pg := view[off:min(off+pageSize, len(view))]; !linearmem.AllZero(pg) {
			hd.Pages = append(hd.Pages, uint32(off/pageSize))
			data = append(data, pg...)
		}
	}
	line, err := json.Marshal(hd)
	if err != nil {
		return err
	}
	path := e.snapshotPath(key)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".snap-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	for _, b := range [][]byte{[]byte(snapshotMagic), line, {'\n'}, data} {
		if _, err := f.Write(b); err != nil {
			f.Close()
			return err
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	e.pruneSnapshots(key)
	return nil
}

// pageSize is the unit of snapshot images: the kernel's page.
const pageSize = 4096

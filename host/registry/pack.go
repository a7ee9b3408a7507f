// Pack: an artifact folder as a bundle, the gzip tar Put takes (what
// sandkit deploy uploads).

package registry

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"sandkit.dev/sandkit/artifact"
)

// Pack checks the artifact folder dir (artifact.Open) and writes it to w as
// a bundle: a gzip-compressed tar of its manifest and the files the
// manifest lists, nothing else (not data/). The bytes depend only on the
// files' paths and contents: entries in the manifest's order after the
// manifest itself, no times, owners or modes of the machine.
func Pack(dir string, w io.Writer) error {
	m, err := artifact.Open(dir)
	if err != nil {
		return err
	}
	fi, err := os.Stat(filepath.Join(dir, artifact.ManifestFile))
	if err != nil {
		return err
	}
	files := append([]artifact.File{{Path: artifact.ManifestFile, Size: fi.Size()}}, m.Files...)
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	for _, f := range files {
		if err := packFile(tw, dir, f); err != nil {
			return fmt.Errorf("pack %s: %s: %w", dir, f.Path, err)
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

// packFile writes one file of the artifact, exactly its listed size.
func packFile(tw *tar.Writer, dir string, f artifact.File) error {
	src, err := os.Open(filepath.Join(dir, filepath.FromSlash(f.Path)))
	if err != nil {
		return err
	}
	defer src.Close()
	hdr := &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     f.Path,
		Size:     f.Size,
		Mode:     0o644,
		ModTime:  time.Unix(0, 0),
		Format:   tar.FormatPAX,
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if _, err := io.CopyN(tw, src, f.Size); err != nil {
		return fmt.Errorf("%w (the file changed while it was packed)", err)
	}
	return nil
}

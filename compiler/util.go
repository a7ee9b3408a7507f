// Small helpers shared by the build steps.

package compiler

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// relSlash is p relative to base with / separators, or p if it is not under base.
func relSlash(base, p string) string {
	r, err := filepath.Rel(base, p)
	if err != nil || strings.HasPrefix(r, "..") {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(r)
}

func joinLines(lines []string) string { return strings.Join(lines, "\n") }

func compareStrings(a, b string) int { return strings.Compare(a, b) }

// updateFileAtomic writes data to name with writeFileAtomic unless name
// already holds exactly data: a watcher then sees no change.
func updateFileAtomic(name string, data []byte) error {
	if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return writeFileAtomic(name, data)
}

// writeFileAtomic writes data to name through a temporary file in the same
// folder and a rename, so a reader sees the old file or the new one, never
// a part.
func writeFileAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

func itoa[T ~int | ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }

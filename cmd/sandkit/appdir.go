// App folder and address checks shared by the commands, each error naming
// the fix.

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"syscall"
)

// checkAppDir reports why dir is not an app folder: it does not exist, is
// not a folder, or has no routes/ folder.
func checkAppDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%s does not exist\nhint: give the path of an app folder (the one holding routes/), or run the command inside it", dir)
	case err != nil:
		return err
	case !fi.IsDir():
		return fmt.Errorf("%s is a file, not an app folder\nhint: give the folder that holds routes/", dir)
	}
	if fi, err := os.Stat(filepath.Join(dir, "routes")); err != nil || !fi.IsDir() {
		abs, _ := filepath.Abs(dir)
		return fmt.Errorf("%s has no routes/ folder, so it is not a sandkit app\nhint: give the app's folder, or create %s (a page.tsx or handler.go in it serves /); see spec/routing.md",
			abs, filepath.Join(abs, "routes"))
	}
	return nil
}

// appDirOnly parses the arguments of a command that takes an APPDIR and no
// flags, printing usage for --help, and returns the app folder.
func appDirOnly(name, usage string, args []string, stderr io.Writer) (string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return "", err
	}
	return appDirArg(pos)
}

// outputPath is path relative to the app folder dir, as build prints it
// (dir may be relative, even "."; path is absolute).
func outputPath(dir, path string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(abs, path); err == nil && filepath.IsLocal(rel) {
		return rel
	}
	return path
}

// listen opens addr for serving; a busy or unusable address is reported
// with what to do about it.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return nil, fmt.Errorf("%s is already in use by another program\nhint: stop that program, or serve on another port: --addr 127.0.0.1:0 picks a free one", addr)
	case err != nil:
		return nil, fmt.Errorf("listening on %s: %w\nhint: --addr takes host:port, such as 127.0.0.1:8080", addr, err)
	}
	return ln, nil
}

// Serve: examples/hello through `sandkit serve` as a user runs it, its log
// on stderr going to a file, for the load rows of the issue-13 table.

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"time"

	"sandkit.dev/sandkit/internal/exampleapp"
)

// sandkitBin is a sandkit binary whose serve the load section measures.
type sandkitBin struct {
	label string // "" for this tree's, else a name for the row ("before")
	root  string // the checkout it was built from, whose examples/hello and SDK it serves
	path  string
}

// buildSandkit builds root's cmd/sandkit into work/name.
func buildSandkit(root, work, name string) (string, error) {
	bin := filepath.Join(work, name)
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/sandkit")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/sandkit: %v\n%s", err, out)
	}
	return bin, nil
}

// servedHello is one `sandkit serve` of a copy of examples/hello.
type servedHello struct {
	url     string
	cmd     *exec.Cmd
	logPath string
	logFile *os.File
}

// startServeHello copies examples/hello into work/name and serves it with
// bin and args, its log written to work/name.log.
func startServeHello(ctx context.Context, root, work, bin, name string, args ...string) (*servedHello, error) {
	app := filepath.Join(work, name)
	if err := exampleapp.Copy(root, "hello", app); err != nil {
		return nil, err
	}
	return startServe(ctx, bin, work, app, name, args...)
}

// startServe serves the app in dir app with bin and args, its log written
// to work/name.log and its cache in work/name-cache.
func startServe(ctx context.Context, bin, work, app, name string, args ...string) (*servedHello, error) {
	logPath := filepath.Join(work, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	args = append([]string{"serve", "--no-watch", "--addr", "127.0.0.1:0", "--cache-dir", filepath.Join(work, name+"-cache")}, args...)
	cmd := exec.CommandContext(ctx, bin, append(args, app)...)
	cmd.Stderr = logFile
	out, err := cmd.StdoutPipe()
	if err != nil {
		logFile.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	if u, ok := servingURL(out, 5*time.Minute); ok {
		return &servedHello{url: u, cmd: cmd, logPath: logPath, logFile: logFile}, nil
	}
	cmd.Process.Kill()
	cmd.Wait()
	logFile.Close()
	b, _ := os.ReadFile(logPath)
	return nil, fmt.Errorf("sandkit serve %s did not start:\n%s", name, b)
}

func (s *servedHello) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	s.cmd.Wait()
	s.logFile.Close()
}

// servingLine is the line sandkit serve and sandkit dev print once they
// listen.
var servingLine = regexp.MustCompile(`serving \S+ on (http://\S+)`)

// servingURL reads a sandkit serve or dev process's standard output until
// it says where it serves, and returns that URL; false if it does not
// within the time given. The rest of the output is read and dropped.
func servingURL(out io.Reader, within time.Duration) (string, bool) {
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urls <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case u := <-urls:
		return u, true
	case <-time.After(within):
		return "", false
	}
}

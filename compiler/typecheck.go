// Type check: tsc over an app's pages, with a TypeScript pinned by sandkit
// (never the app's own), run by Node under its permission model (read-only),
// kept warm between checks.

package compiler

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TypeScriptVersion is the TypeScript sandkit type-checks pages with,
// whatever the app's package.json says: the app's own typescript package is
// code the app ships, which never runs on the host (spec/config.md).
const TypeScriptVersion = "5.9.3"

var (
	//go:embed tscheck/package.json
	tscheckPackage []byte
	//go:embed tscheck/package-lock.json
	tscheckLock []byte
	//go:embed tscheck/check.js
	tscheckScript []byte
)

// TypeDiagnostic is one problem tsc found.
type TypeDiagnostic struct {
	// File is relative to the app folder, with slashes ("routes/page.tsx");
	// empty for a problem with no position (a bad tsconfig.json option).
	File     string `json:"file,omitempty"`
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
	Code     int    `json:"code"`
	Message  string `json:"message"`
	LineText string `json:"lineText,omitempty"`
}

func (d TypeDiagnostic) String() string {
	var b strings.Builder
	if d.File != "" {
		fmt.Fprintf(&b, "%s:%d:%d: ", d.File, d.Line, d.Column)
	}
	fmt.Fprintf(&b, "TS%d: %s", d.Code, d.Message)
	if d.LineText != "" {
		fmt.Fprintf(&b, "\n    %s", strings.TrimRight(d.LineText, " \t\r"))
	}
	return b.String()
}

// TypeError is a type check that found problems in the app's code.
type TypeError struct {
	App         string // the app folder
	Diagnostics []TypeDiagnostic
}

func (e *TypeError) Error() string {
	lines := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		lines[i] = d.String()
	}
	return "app " + strconv.Quote(filepath.Base(e.App)) + ": type check failed (tsc " + TypeScriptVersion + "):\n" + strings.Join(lines, "\n")
}

// HasTypeCheck reports whether the app in appDir asks for a type check: it
// has a tsconfig.json.
func HasTypeCheck(appDir string) bool {
	_, err := os.Stat(filepath.Join(appDir, "tsconfig.json"))
	return err == nil
}

// MissingTypes names what an app that asks for a type check lacks to pass
// one: React's types (node_modules/@types/react), without which every JSX
// element is an error. "" when nothing is missing.
func MissingTypes(appDir string) string {
	if _, err := os.Stat(filepath.Join(appDir, "node_modules", "@types", "react")); err != nil {
		return "@types/react is not installed (hint: npm install --save-dev @types/react @types/react-dom typescript)"
	}
	return ""
}

// TypeChecker type-checks one app's tsconfig.json project. It keeps one
// Node process with the parsed sources between checks, so a check after an
// edit re-checks only the files the edit touches. Its methods are safe for
// concurrent use; checks run one at a time.
type TypeChecker struct {
	appDir string
	mu     sync.Mutex
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    *bufio.Reader
	stderr *bytes.Buffer
}

// NewTypeChecker installs the pinned TypeScript under toolsDir (once; with
// npm ci --ignore-scripts from sandkit's own lock file) and starts its
// checker for the app in appDir, which must have a tsconfig.json. The
// checker is Node running sandkit's script under Node's permission model:
// it may read the app folder and the TypeScript install, and nothing else;
// it cannot write, spawn processes or load native addons.
func NewTypeChecker(ctx context.Context, appDir, toolsDir string) (*TypeChecker, error) {
	appDir, err := filepath.Abs(appDir)
	if err != nil {
		return nil, err
	}
	tools, err := installTypeScript(ctx, toolsDir)
	if err != nil {
		return nil, err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("type check: node is needed to run tsc: %w", err)
	}
	permission, err := nodePermissionFlag(node)
	if err != nil {
		return nil, err
	}
	args := []string{permission, "--no-warnings",
		"--allow-fs-read=" + appDir + string(filepath.Separator),
		"--allow-fs-read=" + tools + string(filepath.Separator),
		filepath.Join(tools, "check.js"), filepath.Join(tools, "node_modules", "typescript"), filepath.Join(appDir, "tsconfig.json")}
	cmd := exec.Command(node, args...)
	cmd.Dir = appDir
	cmd.Env = append(os.Environ(), "NODE_OPTIONS=") // the checker's flags are sandkit's own
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("type check: starting node: %w", err)
	}
	return &TypeChecker{appDir: appDir, cmd: cmd, stdin: stdin, out: bufio.NewReaderSize(stdout, 1<<20), stderr: &stderr}, nil
}

// Check type-checks the project as it is on disk now. Problems in the app's
// code are a *TypeError; other errors mean the checker itself failed, and
// the TypeChecker is unusable after them.
func (c *TypeChecker) Check(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd == nil {
		return errors.New("type check: checker closed")
	}
	type answer struct {
		line []byte
		err  error
	}
	ch := make(chan answer, 1)
	go func() {
		if _, err := io.WriteString(c.stdin, "check\n"); err != nil {
			ch <- answer{err: err}
			return
		}
		line, err := c.out.ReadBytes('\n')
		ch <- answer{line, err}
	}()
	var a answer
	select {
	case a = <-ch:
	case <-ctx.Done():
		c.closeLocked()
		<-ch
		return ctx.Err()
	}
	if a.err != nil {
		c.closeLocked()
		return fmt.Errorf("type check: the checker stopped: %v\n%s", a.err, c.stderr.String())
	}
	var res struct {
		Diagnostics []TypeDiagnostic `json:"diagnostics"`
		Error       string           `json:"error"`
	}
	if err := json.Unmarshal(a.line, &res); err != nil {
		return fmt.Errorf("type check: bad answer %q: %w", a.line, err)
	}
	if res.Error != "" {
		return fmt.Errorf("type check: tsc failed: %s", res.Error)
	}
	if len(res.Diagnostics) == 0 {
		return nil
	}
	for i, d := range res.Diagnostics {
		if d.File != "" {
			if rel, err := filepath.Rel(c.appDir, d.File); err == nil && !strings.HasPrefix(rel, "..") {
				res.Diagnostics[i].File = filepath.ToSlash(rel)
			}
		}
	}
	return &TypeError{App: c.appDir, Diagnostics: res.Diagnostics}
}

// Close stops the checker.
func (c *TypeChecker) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closeLocked()
	return nil
}

func (c *TypeChecker) closeLocked() {
	if c.cmd == nil {
		return
	}
	c.stdin.Close()
	c.cmd.Process.Kill()
	c.cmd.Wait()
	c.cmd = nil
}

// TypeCheck runs one check of the app in appDir and stops: what
// "sandkit build" does.
func TypeCheck(ctx context.Context, appDir, toolsDir string) error {
	c, err := NewTypeChecker(ctx, appDir, toolsDir)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Check(ctx)
}

// installTypeScript makes toolsDir/typescript-VERSION hold sandkit's lock
// file, its check script and the installed package, and returns that
// folder. The install is npm ci with scripts off, from sandkit's lock file
// (its integrity hash pins the package's bytes).
func installTypeScript(ctx context.Context, toolsDir string) (string, error) {
	if toolsDir == "" {
		return "", errors.New("type check: no folder to install TypeScript in (the user cache folder is unknown)")
	}
	dir := filepath.Join(toolsDir, "typescript-"+TypeScriptVersion)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("type check: %w", err)
	}
	for name, b := range map[string][]byte{"package.json": tscheckPackage, "package-lock.json": tscheckLock, "check.js": tscheckScript} {
		if err := updateFileAtomic(filepath.Join(dir, name), b); err != nil {
			return "", fmt.Errorf("type check: %w", err)
		}
	}
	installed, err := os.ReadFile(filepath.Join(dir, "node_modules", ".package-lock.json"))
	if err == nil && bytes.Contains(installed, []byte(`"version": "`+TypeScriptVersion+`"`)) {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", "typescript", "lib", "typescript.js")); err == nil {
			return dir, nil
		}
	}
	cmd := exec.CommandContext(ctx, "npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	cmd.WaitDelay = 5 * time.Second
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("type check: installing typescript %s in %s: %v\n%s", TypeScriptVersion, dir, err, out)
	}
	return dir, nil
}

// nodePermissionFlag is the flag that turns on Node's permission model:
// --permission from Node 22.13 and 23.5, --experimental-permission from 20.
func nodePermissionFlag(node string) (string, error) {
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return "", fmt.Errorf("type check: node --version: %w", err)
	}
	v := strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
	parts := strings.SplitN(v, ".", 3)
	major, _ := strconv.Atoi(parts[0])
	minor := 0
	if len(parts) > 1 {
		minor, _ = strconv.Atoi(parts[1])
	}
	switch {
	case major < 20:
		return "", fmt.Errorf("type check: node %s has no permission model to run tsc read-only\nhint: install Node 20 or later", v)
	case major > 23 || major == 23 && minor >= 5 || major == 22 && minor >= 13:
		return "--permission", nil
	}
	return "--experimental-permission", nil
}

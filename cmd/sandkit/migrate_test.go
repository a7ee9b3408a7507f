package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// sandkit runs the binary with args and returns its exit code and output.
func sandkit(t *testing.T, args ...string) (int, string) {
	t.Helper()
	out, err := exec.Command(sandkitBin, args...).CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, string(out)
}

func expectRun(t *testing.T, wantCode int, want string, args ...string) string {
	t.Helper()
	code, out := sandkit(t, args...)
	if code != wantCode || !strings.Contains(out, want) {
		t.Errorf("sandkit %s: exit %d %q, want %d with %q", strings.Join(args, " "), code, out, wantCode, want)
	}
	return out
}

func todoApp(t *testing.T) string {
	app := copyExample(t, "todo")
	os.RemoveAll(filepath.Join(app, "data"))
	return app
}

func TestE2EMigrate(t *testing.T) {
	app := todoApp(t)
	expectRun(t, 0, "0001_create_todos                        pending", "migrate", "status", app)
	expectRun(t, 0, "applied 0001_create_todos\napplied 0002_index_done\n", "migrate", "up", app)
	expectRun(t, 0, "no pending migrations", "migrate", app)
	expectRun(t, 0, "0002_index_done                          applied", "migrate", "status", app)
	expectRun(t, 0, "rolled back 0002_index_done\nrolled back 0001_create_todos\n", "migrate", "down", app)
	expectRun(t, 0, "nothing to roll back", "migrate", "down", app)
	out := expectRun(t, 0, "0003_add_tags.up.sql", "migrate", "create", "add_tags", app)
	if !strings.Contains(out, "0003_add_tags.down.sql") {
		t.Errorf("create: %q", out)
	}
	expectRun(t, 2, "create needs a NAME", "migrate", "create")
	expectRun(t, 2, `unknown migrate command "sideways"`, "migrate", "sideways", app)

	// A failing migration: its file and SQLite's message, nothing applied from it.
	os.WriteFile(filepath.Join(app, "migrations", "0003_add_tags.up.sql"), []byte("CREATE TABLE tags (x);\nALTER TABLE nope ADD COLUMN y;\n"), 0o644)
	expectRun(t, 1, "migrations/0003_add_tags.up.sql", "migrate", "up", app)
	out = expectRun(t, 0, "0003_add_tags                            pending", "migrate", "status", app)
	if !strings.Contains(out, "0002_index_done                          applied") {
		t.Errorf("status after the failure: %q", out)
	}
	// serve refuses to start on it.
	code, out := sandkit(t, "serve", "--addr", "127.0.0.1:0", "--cache-dir", t.TempDir(), "--no-watch", app)
	if code != 1 || !strings.Contains(out, "0003_add_tags.up.sql") || !strings.Contains(out, "no such table: nope") || strings.Contains(out, "serving") {
		t.Errorf("serve with a failing migration: exit %d\n%s", code, out)
	}
}

// killableServe starts sandkit serve and returns its URL and process; the
// caller ends it.
func killableServe(t *testing.T, app string, cacheDir string) (string, *exec.Cmd, func() string) {
	t.Helper()
	cmd := exec.Command(sandkitBin, "serve", "--addr", "127.0.0.1:0", "--cache-dir", cacheDir, "--no-watch", app)
	var logs strings.Builder
	done := make(chan struct{})
	stderr, _ := cmd.StderrPipe()
	go func() { io.Copy(&logs, stderr); close(done) }()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := regexp.MustCompile(`serving \S+ on (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
	}()
	select {
	case u := <-urls:
		return u, cmd, func() string { <-done; return logs.String() }
	case <-time.After(3 * time.Minute):
		cmd.Process.Kill()
		t.Fatal("sandkit serve did not start")
	}
	return "", nil, nil
}

// TestE2EDurableAfterKill9 checks that a write acknowledged with a 201 is
// on disk: the server is killed with SIGKILL mid-stream and restarted.
func TestE2EDurableAfterKill9(t *testing.T) {
	app := todoApp(t)
	cache := t.TempDir()
	url, cmd, logs := killableServe(t, app, cache)
	// Kill it while writes stream in: after the 20th acknowledgement, from
	// another goroutine, so the next requests are in flight when it dies.
	acked := 0
	for i := 0; ; i++ {
		r, err := post(url+"/api/todos", `{"title":"t`+strconv.Itoa(i)+`"}`)
		if err != nil || r != 201 {
			break
		}
		acked = i + 1
		if acked == 20 {
			go cmd.Process.Signal(syscall.SIGKILL)
		}
	}
	cmd.Wait()
	if acked == 0 {
		t.Fatalf("no write was acknowledged before the kill\n%s", logs())
	}
	if !strings.Contains(logs(), "migrations applied") {
		t.Errorf("no migration log line:\n%s", logs())
	}

	url, cmd, logs = killableServe(t, app, cache)
	r := request(t, "GET", url+"/api/todos", "", "")
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	if r.status != 200 {
		t.Fatalf("after restart: %d %s", r.status, r.body)
	}
	for i := range acked {
		if !strings.Contains(r.body, `"title":"t`+strconv.Itoa(i)+`"`) {
			t.Errorf("acknowledged todo t%d lost after kill -9 (%d acknowledged)", i, acked)
			break
		}
	}
	if !strings.Contains(logs(), "database is up to date") {
		t.Errorf("restart log:\n%s", logs())
	}
	t.Logf("%d writes acknowledged before SIGKILL, all present after restart", acked)
}

func post(url, body string) (int, error) {
	c := &http.Client{Timeout: 5 * time.Second}
	r, err := c.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	defer r.Body.Close()
	io.Copy(io.Discard, r.Body)
	return r.StatusCode, nil
}

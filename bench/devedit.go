// Devloop: `sandkit dev` on a copy of examples/auth (5 Go routes, the
// default) or examples/conduit (-devloop-app conduit: the JSON API and the
// pages, a larger module), the time
// from saving routes/handler.go or routes/page.tsx to the new build being
// live, as the browser learns it (the "state" event with a new build on the
// dev event stream): issue 13's last two rows. bench/devloop measures the
// same on an app you run yourself.

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"sandkit.dev/sandkit/internal/exampleapp"
	"sandkit.dev/sandkit/internal/npmfixture"
)

// devStream reads sandkit dev's event stream.
type devStream struct {
	body io.Closer
	sc   *bufio.Scanner
}

type devState struct {
	Build    string            `json:"build"`
	Problems []json.RawMessage `json:"problems"`
}

func openDevStream(url string) (*devStream, error) {
	resp, err := http.Get(url + "/_sandkit/dev/events")
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s/_sandkit/dev/events: %s", url, resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	return &devStream{resp.Body, sc}, nil
}

func (d *devStream) next() (devState, error) {
	for d.sc.Scan() {
		if data, ok := strings.CutPrefix(d.sc.Text(), "data: "); ok {
			var s devState
			if err := json.Unmarshal([]byte(data), &s); err != nil {
				return s, err
			}
			return s, nil
		}
	}
	return devState{}, fmt.Errorf("event stream ended: %v", d.sc.Err())
}

// editRounds edits file n times (the first group of re kept, followed by a
// fresh number) and returns the time from each write to the state event
// with a new build.
func editRounds(d *devStream, cur, file string, re *regexp.Regexp, n int) ([]time.Duration, string, error) {
	var took []time.Duration
	for i := 0; i < n; i++ {
		progress("devloop: edit %s %d/%d", filepath.Base(file), i+1, n)
		src, err := os.ReadFile(file)
		if err != nil {
			return nil, cur, err
		}
		loc := re.FindSubmatchIndex(src)
		if loc == nil || len(loc) < 4 {
			return nil, cur, fmt.Errorf("%s: no match for %s", file, re)
		}
		edited := slices.Concat(src[:loc[3]], []byte(strconv.FormatInt(time.Now().UnixNano(), 10)), src[loc[1]:])
		start := time.Now()
		if err := os.WriteFile(file, edited, 0o644); err != nil {
			return nil, cur, err
		}
		for {
			s, err := d.next()
			if err != nil {
				return nil, cur, err
			}
			if len(s.Problems) > 0 {
				return nil, cur, fmt.Errorf("the edit of %s failed: %s", file, s.Problems)
			}
			if s.Build != cur {
				cur = s.Build
				break
			}
		}
		took = append(took, time.Since(start))
	}
	return took, cur, nil
}

// devloopApps are the examples the devloop section can edit: the text of
// routes/page.tsx each edit rewrites (it must show on GET /).
var devloopApps = map[string]string{
	"auth":    "Sign up",
	"conduit": "A place to share your knowledge.",
}

func devloopBench(ctx context.Context, r *report, root, work, name string, n int) error {
	text, ok := devloopApps[name]
	if !ok {
		return fmt.Errorf("-devloop-app %q: one of auth, conduit", name)
	}
	src := filepath.Join(root, "examples", name)
	if err := npmfixture.Install(src); err != nil {
		return err
	}
	app := filepath.Join(work, name+"-dev")
	if err := exampleapp.Copy(root, name, app); err != nil {
		return err
	}
	if err := os.Symlink(filepath.Join(src, "node_modules"), filepath.Join(app, "node_modules")); err != nil {
		return err
	}
	// A handler edit that changes the module: a string an init stores.
	handler := filepath.Join(app, "routes", "handler.go")
	f, err := os.OpenFile(handler, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(f, "\n// benchEdit is rewritten by go run ./bench (devloop section).\nvar benchEdit string\n\nfunc init() { benchEdit = \"v0\" }\n")
	f.Close()
	page := filepath.Join(app, "routes", "page.tsx")

	progress("building cmd/sandkit for sandkit dev")
	bin, err := buildSandkit(root, work, "sandkit-dev")
	if err != nil {
		return err
	}
	logPath := filepath.Join(work, name+"-dev.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close()
	cmd := exec.CommandContext(ctx, bin, "dev", "--addr", "127.0.0.1:0", "--cache-dir", filepath.Join(work, name+"-dev-cache"), app)
	cmd.Stderr = logFile
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	progress("starting sandkit dev on examples/%s", name)
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	url, ok := servingURL(out, 5*time.Minute)
	if !ok {
		b, _ := os.ReadFile(logPath)
		return fmt.Errorf("sandkit dev did not start:\n%s", b)
	}
	d, err := openDevStream(url)
	if err != nil {
		return err
	}
	defer d.body.Close()
	first, err := d.next()
	if err != nil {
		return err
	}
	if len(first.Problems) > 0 {
		return fmt.Errorf("sandkit dev's first build failed: %s", first.Problems)
	}
	// The Go module sandkit dev built, for its size.
	var modSize int64
	filepath.WalkDir(app, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() && strings.HasSuffix(p, ".wasm") {
			if fi, err := e.Info(); err == nil && fi.Size() > modSize {
				modSize = fi.Size()
			}
		}
		return nil
	})
	cur := first.Build
	handlerEdit := regexp.MustCompile(`(benchEdit = "v)[0-9]+`)
	pageEdit := regexp.MustCompile(`(` + regexp.QuoteMeta(text) + `)[0-9]*`)
	// Rounds alternate the two edits so that load from elsewhere hits both alike.
	var handlerTook, pageTook []time.Duration
	for i := 0; i < n; i++ {
		h, c, err := editRounds(d, cur, handler, handlerEdit, 1)
		if err != nil {
			return err
		}
		p, c, err := editRounds(d, c, page, pageEdit, 1)
		if err != nil {
			return err
		}
		cur = c
		handlerTook, pageTook = append(handlerTook, h...), append(pageTook, p...)
	}
	// The new code is served: the page shows the last edit.
	resp, err := http.Get(url + "/")
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !regexp.MustCompile(regexp.QuoteMeta(text)+`[0-9]+`).Match(body) {
		return fmt.Errorf("GET / after the edits: %s, no edited text in\n%.500s", resp.Status, body)
	}

	list := func(ds []time.Duration) string {
		var s []string
		for _, d := range ds {
			s = append(s, strconv.FormatInt(d.Milliseconds(), 10))
		}
		return strings.Join(s, ", ")
	}
	hm, pm := median(handlerTook), median(pageTook)
	r.printf("## `sandkit dev`: save → live on examples/%s (issue 13)\n\n", name)
	r.printf("`go run ./bench -sections devloop -devloop-app %s`: `sandkit dev` (this tree's, built by the bench) on a copy of examples/%s\n", name, name)
	r.printf("(one Go module of %.1f MB, React pages), warm Go build cache. Each round writes\n", float64(modSize)/1e6)
	r.printf("`routes/handler.go` (a string an `init` stores) then `routes/page.tsx` (a link's text) and waits for the\n")
	r.printf("\"state\" event with a new build on the dev event stream (what makes the browser reload); afterwards `GET /`\n")
	r.printf("shows the last page edit. Rounds alternate the two edits. The baseline is the issue's aim.\n\n")
	r.printf("| edit | median | rounds (ms) | aim |\n| --- | ---: | --- | ---: |\n")
	r.printf("| `routes/handler.go` | %d ms | %s | ≤ 1500 ms |\n", hm.Milliseconds(), list(handlerTook))
	r.printf("| `routes/page.tsx` | %d ms | %s | ≤ 300 ms |\n\n", pm.Milliseconds(), list(pageTook))
	r.row(8, fmt.Sprintf("%.2f s (examples/%s, %.1f MB module)", hm.Seconds(), name, float64(modSize)/1e6), hm <= 1500*time.Millisecond)
	r.row(9, fmt.Sprintf("%d ms", pm.Milliseconds()), pm <= 300*time.Millisecond)
	return nil
}

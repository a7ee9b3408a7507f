package deploy_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"sandkit.dev/sandkit/host/deploy"
	"sandkit.dev/sandkit/host/registry"
	"sandkit.dev/sandkit/internal/exampleapp"
)

// The fixtures: real artifacts, built by the sandkit binary as a user
// builds them, once per test binary.

var tmpRoot string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sandkit-deploy-test-")
	if err != nil {
		panic(err)
	}
	tmpRoot = dir
	os.Setenv("npm_config_offline", "true")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// repoRoot is the repository's folder.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

var sandkitBin = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(tmpRoot, "sandkit")
	out, err := exec.Command("go", "build", "-o", bin, "../../cmd/sandkit").CombinedOutput()
	if err != nil {
		return "", &buildError{"go build ./cmd/sandkit", out, err}
	}
	return bin, nil
})

type buildError struct {
	what string
	out  []byte
	err  error
}

func (e *buildError) Error() string { return e.what + ": " + e.err.Error() + "\n" + string(e.out) }

// sandkitBuild runs "sandkit build app -o out".
func sandkitBuild(t testing.TB, app, out string) {
	t.Helper()
	bin, err := sandkitBin()
	if err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(bin, "build", app, "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("sandkit build %s: %v\n%s", app, err, b)
	}
}

var helloOnce sync.Once
var helloArtifact string

// hello is the artifact of examples/hello (Go handlers), built once.
func hello(t testing.TB) string {
	t.Helper()
	helloOnce.Do(func() {
		app := filepath.Join(tmpRoot, "hello")
		if err := exampleapp.Copy(repoRoot(t), "hello", app); err != nil {
			t.Fatal(err)
		}
		sandkitBuild(t, app, filepath.Join(tmpRoot, "hello-artifact"))
		helloArtifact = filepath.Join(tmpRoot, "hello-artifact")
	})
	if helloArtifact == "" {
		t.Fatal("examples/hello did not build")
	}
	return helloArtifact
}

// cApp builds an app made in a temporary folder: the C handler of
// examples/hello-c at /c and files (path -> content, such as migrations),
// and returns its artifact. It needs no Go build, so it is quick.
func cApp(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "app")
	wasm, err := os.ReadFile(filepath.Join(repoRoot(t), "examples", "hello-c", "routes", "c", "handler.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	files = maps.Clone(files)
	if files == nil {
		files = map[string]string{}
	}
	files["routes/c/handler.wasm"] = string(wasm)
	for p, s := range files {
		p = filepath.Join(dir, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "artifact")
	sandkitBuild(t, dir, out)
	return out
}

// pack is the bundle of the artifact folder dir.
func pack(t testing.TB, dir string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := registry.Pack(dir, &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The operator token of the test servers.
const opToken = "operator-secret"

// admin is a test host's admin listener over a bundle directory.
type admin struct {
	reg       *registry.Dir
	url       string
	mu        sync.Mutex
	log       bytes.Buffer
	activated []string // OnActivate's calls
}

func (a *admin) Write(p []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.log.Write(p)
}

func (a *admin) logs() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.log.String()
}

func (a *admin) activations() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.activated)
}

// newAdmin serves deploy.New over a new bundle directory on loopback.
func newAdmin(t *testing.T, opts ...deploy.Option) *admin {
	t.Helper()
	a := &admin{}
	reg, err := registry.OpenDir(t.TempDir(), registry.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	a.reg = reg
	opts = append([]deploy.Option{
		deploy.WithOperatorToken(opToken),
		deploy.WithLogger(slog.New(slog.NewTextHandler(a, nil))),
		deploy.WithOnActivate(func(app string) {
			a.mu.Lock()
			a.activated = append(a.activated, app)
			a.mu.Unlock()
		}),
	}, opts...)
	srv := httptest.NewServer(deploy.New(reg, opts...))
	t.Cleanup(srv.Close)
	a.url = srv.URL
	return a
}

// answer is an HTTP answer, read whole.
type answer struct {
	status int
	header http.Header
	body   string
}

// call sends method path with the bearer token (none if empty) and body.
func (a *admin) call(t *testing.T, method, path, token string, body []byte) answer {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, a.url+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, string(b)}
}

// expect fails t unless the answer has status and its body contains each
// of want.
func expect(t *testing.T, what string, got answer, status int, want ...string) {
	t.Helper()
	if got.status != status {
		t.Errorf("%s: %d, want %d: %s", what, got.status, status, got.body)
		return
	}
	for _, w := range want {
		if !strings.Contains(got.body, w) {
			t.Errorf("%s: the answer has no %q: %s", what, w, got.body)
		}
	}
}

// snapshot is every file of the registry's directory and its SHA-256,
// folders included, so that a request that changes nothing leaves the
// same snapshot.
func (a *admin) snapshot(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	root := a.reg.Path()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			b.WriteString(rel + "/\n")
			return nil
		}
		c, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(c)
		b.WriteString(rel + " " + hex.EncodeToString(sum[:8]) + "\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

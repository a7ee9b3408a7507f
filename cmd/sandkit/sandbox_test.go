// Tests of the rule that nothing an app ships runs on the host: npm install
// scripts, git dependencies, a go.mod that asks for another toolchain, and
// //go:generate lines.

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// writeJSON marshals v into path.
func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// addFileDep adds a local package at app/vendor/NAME to the app's
// package.json and lock file, as npm install would for "file:vendor/NAME",
// with the given package.json fields and extra files.
func addFileDep(t *testing.T, app, name string, fields map[string]any, files map[string]string) {
	t.Helper()
	pkgDir := filepath.Join(app, "vendor", name)
	if err := os.MkdirAll(pkgDir, 0o755); err != nil {
		t.Fatal(err)
	}
	pj := map[string]any{"name": name, "version": "1.0.0"}
	for k, v := range fields {
		pj[k] = v
	}
	writeJSON(t, filepath.Join(pkgDir, "package.json"), pj)
	for f, body := range files {
		if err := os.WriteFile(filepath.Join(pkgDir, f), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"package.json", "package-lock.json"} {
		var doc map[string]any
		b, err := os.ReadFile(filepath.Join(app, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		root := doc
		if f == "package-lock.json" {
			pkgs := doc["packages"].(map[string]any)
			root = pkgs[""].(map[string]any)
			pkgs["node_modules/"+name] = map[string]any{"resolved": "vendor/" + name, "link": true}
			pkgs["vendor/"+name] = map[string]any{"version": "1.0.0", "hasInstallScript": true}
		}
		root["dependencies"].(map[string]any)[name] = "file:vendor/" + name
		writeJSON(t, filepath.Join(app, f), doc)
	}
}

// sandkitBuild runs sandkit build on app and returns its exit code and output.
func sandkitBuild(t *testing.T, app string, env ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(sandkitBin, "build", app)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), string(out)
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, string(out)
}

// An app's npm packages are installed without running their scripts: the
// build succeeds, the file a script would write is not there, and the
// warning names each package that wanted scripts.
func TestInstallScriptsNotRun(t *testing.T) {
	app := copyExample(t, "pages")
	marks := t.TempDir()
	writeMark := func(name string) string {
		return "node -e \"require('fs').writeFileSync(process.argv[1], 'ran')\" " + filepath.Join(marks, name)
	}
	addFileDep(t, app, "scripted", map[string]any{"scripts": map[string]string{
		"preinstall": writeMark("preinstall"), "install": writeMark("install"),
		"postinstall": writeMark("postinstall"), "prepare": writeMark("prepare"),
	}}, nil)
	addFileDep(t, app, "native-addon", nil, map[string]string{
		"binding.gyp": `{"targets": [{"target_name": "addon", "sources": ["addon.cc"]}]}`,
	})
	var pj map[string]any
	b, _ := os.ReadFile(filepath.Join(app, "package.json"))
	json.Unmarshal(b, &pj)
	pj["scripts"] = map[string]string{"postinstall": writeMark("app-postinstall")}
	writeJSON(t, filepath.Join(app, "package.json"), pj)
	// The app's own npm settings cannot turn scripts back on.
	if err := os.WriteFile(filepath.Join(app, ".npmrc"), []byte("ignore-scripts=false\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	code, out := sandkitBuild(t, app)
	if code != 0 {
		t.Fatalf("sandkit build exited %d\n%s", code, out)
	}
	ran, _ := os.ReadDir(marks)
	for _, m := range ran {
		t.Errorf("script %s ran on the host", m.Name())
	}
	for _, want := range []string{
		"install scripts not run",
		"scripted (preinstall, install, postinstall, prepare)",
		"native-addon (install: node-gyp rebuild, from binding.gyp)",
		"the app's own package.json (postinstall)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(app, "node_modules", "scripted", "package.json")); err != nil {
		t.Errorf("the package itself is not installed: %v", err)
	}
}

// A git dependency is refused before npm runs: npm would prepare it by
// running its scripts on the host.
func TestGitDependencyRefused(t *testing.T) {
	app := copyExample(t, "pages")
	var lock map[string]any
	b, _ := os.ReadFile(filepath.Join(app, "package-lock.json"))
	json.Unmarshal(b, &lock)
	lock["packages"].(map[string]any)["node_modules/from-git"] = map[string]any{
		"version": "1.0.0", "resolved": "git+ssh://git@example.invalid/x/from-git.git#0123456789abcdef0123456789abcdef01234567",
	}
	writeJSON(t, filepath.Join(app, "package-lock.json"), lock)
	code, out := sandkitBuild(t, app)
	if code != 1 || !strings.Contains(out, "git dependencies are not installed: from-git (git+ssh://") ||
		!strings.Contains(out, "hint:") || strings.Contains(out, "npm packages installed") {
		t.Errorf("exit %d, want 1 and the git dependency named before npm runs\n%s", code, out)
	}
}

// A go.mod that names a newer toolchain does not make the build download
// and run it: a toolchain line is ignored and the go command on PATH
// builds; a go line it cannot satisfy fails, offline, saying so.
func TestGoToolchainNotSwitched(t *testing.T) {
	offline := []string{"GOPROXY=off", "GOTOOLCHAIN=auto"} // no download possible; the default switching policy
	for _, c := range []struct {
		name, line string
		code       int
		want       string
	}{
		{"toolchain line", "toolchain go1.99.0", 0, "4 Go routes -> .sandkit/build/handlers.wasm"},
		{"go line", "go 1.99.0", 1, "requires go >= 1.99.0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			app := copyExample(t, "hello")
			mod, err := os.ReadFile(filepath.Join(app, "go.mod"))
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(c.line, "go ") {
				mod = []byte(strings.Replace(string(mod), "\ngo ", "\n"+c.line+"\n// was: go ", 1))
			} else {
				mod = append(mod, "\n"+c.line+"\n"...)
			}
			if err := os.WriteFile(filepath.Join(app, "go.mod"), mod, 0o644); err != nil {
				t.Fatal(err)
			}
			code, out := sandkitBuild(t, app, offline...)
			if code != c.code || !strings.Contains(out, c.want) || strings.Contains(out, "downloading go1.99") {
				t.Errorf("exit %d, want %d and %q\n%s", code, c.code, c.want, out)
			}
			if c.code != 0 && !strings.Contains(out, "hint:") {
				t.Errorf("no hint in\n%s", out)
			}
		})
	}
}

// go build never runs //go:generate lines: the build succeeds and the file
// the directive would write is not there.
func TestGoGenerateNotRun(t *testing.T) {
	app := copyExample(t, "hello")
	mark := filepath.Join(t.TempDir(), "generated")
	h := filepath.Join(app, "routes", "handler.go")
	src, err := os.ReadFile(h)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(h, append(src, "\n//go:generate touch "+mark+"\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := sandkitBuild(t, app); code != 0 {
		t.Fatalf("sandkit build exited %d\n%s", code, out)
	}
	if _, err := os.Stat(mark); err == nil {
		t.Error("a //go:generate line ran on the host")
	}
}

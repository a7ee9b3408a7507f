package settings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// env is a fake environment for LoadWith.
type env map[string]string

func (e env) lookup(k string) (string, bool) { v, ok := e[k]; return v, ok }

// writeFiles writes name → content into a new app folder.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, s := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// expectSetting checks one effective setting's value and origin.
func expectSetting(t *testing.T, s *Settings, key, value, origin string) {
	t.Helper()
	for _, st := range s.All() {
		if st.Key == key {
			if st.Value != value || st.Origin.String() != origin {
				t.Errorf("%s = %s from %s, want %s from %s", key, st.Value, st.Origin, value, origin)
			}
			return
		}
	}
	t.Errorf("%s not listed", key)
}

func TestLoadPrecedence(t *testing.T) {
	base := "name = \"blog\"\n\n[limits]\nrequest_timeout = \"2s\"\nmemory_pages = 512\nbody_bytes = 100000\n\n[env]\nGREETING = \"hi\"\n"
	overlay := "[limits]\nmemory_pages = 256\nbody_bytes = 200000\n"
	dir := writeFiles(t, map[string]string{"sandkit.toml": base, "sandkit.development.toml": overlay, "sandkit.production.toml": "[limits]\nmemory_pages = 2048\n"})
	toml := filepath.Join(dir, "sandkit.toml")
	devToml := filepath.Join(dir, "sandkit.development.toml")

	// Each step: defaults, the file, the overlay of SANDKIT_ENV's default, a variable.
	s, err := LoadWith(dir, env{"SANDKIT_LIMITS_BODY_BYTES": "300000", "SANDKIT_ENV_GREETING": "hello"}.lookup)
	if err != nil {
		t.Fatal(err)
	}
	if s.Env() != "development" {
		t.Errorf("env = %q", s.Env())
	}
	expectSetting(t, s, "limits.statement_timeout", `"5s"`, "default")
	expectSetting(t, s, "limits.request_timeout", `"2s"`, toml+":4")
	expectSetting(t, s, "limits.memory_pages", "256", devToml+":2")
	expectSetting(t, s, "limits.body_bytes", "300000", "$SANDKIT_LIMITS_BODY_BYTES")
	expectSetting(t, s, "env.GREETING", `"hello"`, "$SANDKIT_ENV_GREETING")
	expectSetting(t, s, "name", `"blog"`, toml+":1")
	cfg := s.Config()
	if cfg.Limits.RequestTimeout.Std() != 2*time.Second || cfg.Limits.MemoryPages != 256 || cfg.Limits.BodyBytes != 300000 || cfg.Env["GREETING"] != "hello" {
		t.Errorf("config = %+v", cfg)
	}

	// SANDKIT_ENV picks the overlay; the development one is not read.
	s, err = LoadWith(dir, env{"SANDKIT_ENV": "production"}.lookup)
	if err != nil {
		t.Fatal(err)
	}
	expectSetting(t, s, "limits.memory_pages", "2048", filepath.Join(dir, "sandkit.production.toml")+":2")
	expectSetting(t, s, "limits.body_bytes", "100000", toml+":6")

	// Undeclared [env] keys are not taken from the environment.
	s, _ = LoadWith(dir, env{"SANDKIT_ENV_PATH": "/bin"}.lookup)
	if _, ok := s.Config().Env["PATH"]; ok {
		t.Error("SANDKIT_ENV_PATH added an undeclared env key")
	}
}

func TestLoadFromEnv(t *testing.T) {
	dir := writeFiles(t, map[string]string{"sandkit.toml": "[env]\nSECRET = { from_env = \"APP_SECRET\" }\nMODE = { from_env = \"APP_MODE\", default = \"quiet\" }\n\n[limits]\nmemory_pages = { from_env = \"PAGES\" }\n"})
	toml := filepath.Join(dir, "sandkit.toml")
	s, err := LoadWith(dir, env{"APP_SECRET": "s3cret", "PAGES": "99"}.lookup)
	if err != nil {
		t.Fatal(err)
	}
	expectSetting(t, s, "env.SECRET", `"s3cret"`, toml+":2 (from_env APP_SECRET)")
	expectSetting(t, s, "env.MODE", `"quiet"`, toml+":3 (from_env APP_MODE)")
	expectSetting(t, s, "limits.memory_pages", "99", toml+":6 (from_env PAGES)")
	// A required from_env in sandkit.toml that an overlay replaces is not
	// an error: a development default for a secret production must set.
	dir2 := writeFiles(t, map[string]string{
		"sandkit.toml":             "[env]\nSECRET = { from_env = \"APP_SECRET\" }\n",
		"sandkit.development.toml": "[env]\nSECRET = { from_env = \"APP_SECRET\", default = \"dev\" }\n",
	})
	s, err = LoadWith(dir2, env{}.lookup)
	if err != nil || s.Config().Env["SECRET"] != "dev" {
		t.Errorf("development overlay over a required from_env: %v, %v", s, err)
	}
	if _, err = LoadWith(dir2, env{"SANDKIT_ENV": "production"}.lookup); err == nil || !strings.Contains(err.Error(), "sandkit.toml:2:1: env.SECRET: reads the environment variable APP_SECRET, which is not set") {
		t.Errorf("production without APP_SECRET: %v", err)
	}
	// A SANDKIT_* variable still wins over from_env.
	s, err = LoadWith(dir, env{"APP_SECRET": "a", "PAGES": "99", "SANDKIT_ENV_SECRET": "b"}.lookup)
	if err != nil || s.Config().Env["SECRET"] != "b" {
		t.Errorf("SANDKIT_ENV_SECRET over from_env: %v, %v", s, err)
	}
}

func TestLoadErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		files map[string]string
		env   env
		want  []string
	}{
		{"syntax", map[string]string{"sandkit.toml": "name = \n"}, nil, []string{"sandkit.toml:1:"}},
		{"unknown key", map[string]string{"sandkit.toml": "[limits]\nrequest_timout = \"1s\"\n"}, nil,
			[]string{"sandkit.toml:2:1: unknown setting limits.request_timout", "did you mean limits.request_timeout?", "hint: spec/config.md"}},
		{"value for a table", map[string]string{"sandkit.toml": "limits = 5\n"}, nil,
			[]string{"sandkit.toml:1:1: limits is a table of settings", "hint: write its settings under a [limits] line"}},
		{"env value not a string", map[string]string{"sandkit.toml": "[env]\nPORT = 8080\n"}, nil,
			[]string{"sandkit.toml:2:1: env.PORT: want a string, got 8080"}},
		{"dotted key", map[string]string{"sandkit.toml": "\nlimits.memory_page = 1\n"}, nil,
			[]string{"sandkit.toml:2:1: unknown setting limits.memory_page"}},
		{"wrong type", map[string]string{"sandkit.toml": "\n[limits]\nmemory_pages = \"many\"\n"}, nil,
			[]string{"sandkit.toml:3:1: limits.memory_pages: want a positive integer"}},
		{"out of range in the overlay", map[string]string{"sandkit.toml": "", "sandkit.development.toml": "[limits]\nmemory_pages = 70000\n"}, nil,
			[]string{"sandkit.development.toml:2:1: limits.memory_pages = 70000: at most 65536"}},
		{"bad variable", nil, env{"SANDKIT_LIMITS_REQUEST_TIMEOUT": "soon"}, []string{"$SANDKIT_LIMITS_REQUEST_TIMEOUT: limits.request_timeout:", "invalid duration"}},
		{"bad bool", nil, env{"SANDKIT_PAGES_REUSE_INSTANCES": "maybe"}, []string{"$SANDKIT_PAGES_REUSE_INSTANCES: pages.reuse_instances: want true or false"}},
		{"from_env unset", map[string]string{"sandkit.toml": "[env]\nSECRET = { from_env = \"APP_SECRET\" }\n"}, nil,
			[]string{"sandkit.toml:2:1: env.SECRET: reads the environment variable APP_SECRET, which is not set", "hint: set APP_SECRET"}},
		{"bad from_env table", map[string]string{"sandkit.toml": "[database]\nurl = { env = \"X\" }\n"}, nil,
			[]string{"sandkit.toml:2:1: database.url: a table here must be { from_env"}},
		{"bad env name", nil, env{"SANDKIT_ENV": "../x"}, []string{"$SANDKIT_ENV=\"../x\""}},
		{"bad isolation", map[string]string{"sandkit.toml": "name = \"a\"\nisolation = \"instance\"\n"}, nil,
			[]string{"sandkit.toml:2:1: isolation = \"instance\": want \"pool\"", "or \"request\" (a fresh instance per request)"}},
		{"isolation not a string", map[string]string{"sandkit.toml": "isolation = true\n"}, nil,
			[]string{"sandkit.toml:1:1: isolation: want a string, got true"}},
		{"bad isolation variable", nil, env{"SANDKIT_ISOLATION": "Request"}, []string{"$SANDKIT_ISOLATION: isolation = \"Request\": want \"pool\""}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := writeFiles(t, c.files)
			_, err := LoadWith(dir, c.env.lookup)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestLoadIsolation(t *testing.T) {
	for _, c := range []struct {
		files  map[string]string
		env    env
		want   string
		origin string
	}{
		{nil, nil, IsolationPool, "default"},
		{map[string]string{"sandkit.toml": "isolation = \"request\"\n"}, nil, IsolationRequest, "sandkit.toml:1"},
		{map[string]string{"sandkit.toml": "isolation = \"request\"\n"}, env{"SANDKIT_ISOLATION": "pool"}, IsolationPool, "$SANDKIT_ISOLATION"},
	} {
		dir := writeFiles(t, c.files)
		s, err := LoadWith(dir, c.env.lookup)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Config().Isolation; got != c.want {
			t.Errorf("%v %v: isolation %q, want %q", c.files, c.env, got, c.want)
		}
		if o := s.Origin("isolation").String(); !strings.HasSuffix(o, c.origin) {
			t.Errorf("isolation from %s, want %s", o, c.origin)
		}
	}
}

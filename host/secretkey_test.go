package host

import (
	"testing"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/settings"
)

// TestGuestEnv: guests read the secret key under SANDKIT_SECRET_KEY, the
// settings' own before the development one, the engine under
// SANDKIT_DATABASE_ENGINE, and the app's [env] table is not changed.
func TestGuestEnv(t *testing.T) {
	own := map[string]string{"A": "1"}
	for _, c := range []struct {
		cfgKey, devKey, want string
		has                  bool
	}{
		{"", "", "", false},
		{"", "dev", "dev", true},
		{"set", "dev", "set", true},
	} {
		env := guestEnv(settings.Config{Env: own, SecretKey: c.cfgKey}, c.devKey, "postgres")
		got, has := env[abi.EnvSecretKey]
		if got != c.want || has != c.has || env["A"] != "1" || env[abi.EnvDatabaseEngine] != "postgres" {
			t.Errorf("settings %q, dev %q: %v", c.cfgKey, c.devKey, env)
		}
	}
	if len(own) != 1 {
		t.Error("the app's [env] table was changed")
	}
}

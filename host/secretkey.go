// Secret key: the app's secret_key setting handed to its guests through
// env_get, and the development stand-in for an unset one.

package host

import (
	"maps"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/settings"
)

// WithDevSecretKey gives the app key as its secret key when its settings
// set none (sandkit dev keeps one per app under .sandkit/, so sessions
// survive restarts). A secret_key from the settings wins.
func WithDevSecretKey(key string) AppOption {
	return func(o *appOptions) { o.devSecretKey = key }
}

// guestEnv is what the app's guests read with env_get: its [env] table,
// and its secret key under [abi.EnvSecretKey] when it has one. Settings
// refuse an [env] key of that name, so nothing is overwritten here.
func guestEnv(cfg settings.Config, devKey string) map[string]string {
	key := cfg.SecretKey
	if key == "" {
		key = devKey
	}
	if key == "" {
		return cfg.Env
	}
	env := maps.Clone(cfg.Env)
	if env == nil {
		env = map[string]string{}
	}
	env[abi.EnvSecretKey] = key
	return env
}

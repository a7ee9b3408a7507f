// What guests read with env_get besides the app's [env]: the app's
// secret_key setting (and the development stand-in for an unset one) and
// the name of its database engine.

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
// its secret key under [abi.EnvSecretKey] when it has one, and the name of
// its database engine (appdb.Engine.Name) under [abi.EnvDatabaseEngine].
// Settings refuse [env] keys of these names, so nothing is overwritten here.
func guestEnv(cfg settings.Config, devKey, engine string) map[string]string {
	env := maps.Clone(cfg.Env)
	if env == nil {
		env = map[string]string{}
	}
	key := cfg.SecretKey
	if key == "" {
		key = devKey
	}
	if key != "" {
		env[abi.EnvSecretKey] = key
	}
	env[abi.EnvDatabaseEngine] = engine
	return env
}

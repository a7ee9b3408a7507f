// Package settings reads an app's settings (spec/config.md): its name, the
// limits on what its guests may use, the values guests read with env_get,
// and where its database lives. It is a leaf: the host and the app
// database both import it, and it imports neither.
//
// Every setting is optional. [Load] merges the layers, each over the one
// before: the defaults, sandkit.toml, the environment's overlay
// sandkit.<env>.toml (env from SANDKIT_ENV, "development" by default), and
// one environment variable per setting ([VarName]):
//
//	s, err := settings.Load("blog")
//	cfg := s.Config()
//	timeout := cfg.Limits.RequestTimeout.Std()         // 10s unless a layer set one
//	fmt.Println(s.Origin("limits.request_timeout"))    // default, blog/sandkit.toml:4, $SANDKIT_LIMITS_REQUEST_TIMEOUT
//
// A file may also name the variable a setting is read from:
//
//	[env]
//	SECRET = { from_env = "APP_SECRET", default = "dev-only" }
//
// A setting that is unknown, malformed or out of range is an error that
// names the file, line and column, or the variable, with a hint.
// [LoadConfig] is Load for callers that need only the [Config].
package settings

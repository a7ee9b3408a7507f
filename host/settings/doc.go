// Package settings reads an app's sandkit.toml (spec/config.md): its name,
// the limits on what its guests may use, the values guests read with
// env_get, and where its database lives. It is a leaf: the host and the
// app database both import it, and it imports neither.
//
// Every field is optional; LoadConfig fills the defaults:
//
//	cfg, err := settings.LoadConfig("blog")    // blog/sandkit.toml, if any
//	timeout := cfg.Limits.RequestTimeout.Std() // 10s unless the app set one
//
// A setting that is unknown, malformed or out of range is an error that
// names the file, line and column.
package settings

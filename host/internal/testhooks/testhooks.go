// Package testhooks holds switches that only sandkit's own tests set. It
// is internal to host/: no app, sandkit.toml, flag or environment variable
// reaches it, and no production code sets it.
//
// A test turns a hook on and restores it when it ends:
//
//	testhooks.PostgresScreenOff.Store(true)
//	defer testhooks.PostgresScreenOff.Store(false)
package testhooks

import "sync/atomic"

// PostgresScreenOff turns off the screening of guests' SQL on PostgreSQL,
// leaving only the placeholder rewriting, so that a test can show that
// PostgreSQL's own permissions refuse what the screening would have.
var PostgresScreenOff atomic.Bool

// Test hooks of package host, compiled only into its tests.

package host

// SetPostgresScreen turns the screening of guests' SQL on PostgreSQL on or
// off (it is on outside tests), so that a test can show what PostgreSQL's
// own permissions refuse. It returns a function that restores the setting.
func SetPostgresScreen(on bool) (restore func()) {
	was := pgScreenOff.Swap(!on)
	return func() { pgScreenOff.Store(was) }
}

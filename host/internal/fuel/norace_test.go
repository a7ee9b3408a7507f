//go:build !race

package fuel

// raceEnabled is true when the tests run under the race detector, which
// makes wazero compile a Go guest about twenty times slower.
const raceEnabled = false

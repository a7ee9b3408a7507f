// Env and Log: the configuration and logging imports.

package sandkit

import "fmt"

// Level is a log level. Its values are those of log/slog, so a slog.Level
// converts directly: sandkit.Level(slog.LevelWarn).
type Level int32

// Log levels.
const (
	LevelDebug Level = -4
	LevelInfo  Level = 0
	LevelWarn  Level = 4
	LevelError Level = 8
)

// Log writes one record to the host's log. The host adds the app, route,
// module version and request id, and cuts records longer than 16 KiB.
func Log(level Level, msg string) {
	hostLog(int32(level), msg)
}

// Logf formats a record with fmt.Sprintf and writes it with [Log].
func Logf(level Level, format string, args ...any) {
	hostLog(int32(level), fmt.Sprintf(format, args...))
}

// Debugf logs at debug level.
func Debugf(format string, args ...any) { Logf(LevelDebug, format, args...) }

// Infof logs at info level.
func Infof(format string, args ...any) { Logf(LevelInfo, format, args...) }

// Warnf logs at warn level.
func Warnf(format string, args ...any) { Logf(LevelWarn, format, args...) }

// Errorf logs at error level.
func Errorf(format string, args ...any) { Logf(LevelError, format, args...) }

// Env returns the value of key from the app's [env] configuration and
// whether it is set. The host's own environment is never visible.
func Env(key string) (string, bool) {
	n := hostEnvGet(key)
	if n < 0 {
		return "", false
	}
	if n == 0 {
		return "", true
	}
	b := make([]byte, n)
	if got := hostResultRead(b); got != n {
		return "", false
	}
	return string(b), true
}

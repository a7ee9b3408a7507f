// Limits: what one app's guests may use, with the defaults spec/config.md lists.

package settings

import (
	"time"
)

// Limits bound what an app's guests may use. The zero value of a field means
// "the default"; [DefaultLimits] lists the defaults.
type Limits struct {
	// MemoryPages caps each instance's linear memory, in 64 KiB pages.
	MemoryPages uint32 `toml:"memory_pages"`
	// RequestTimeout is the wall-clock deadline of one request.
	RequestTimeout Duration `toml:"request_timeout"`
	// BodyBytes caps the request body a guest can read.
	BodyBytes int64 `toml:"body_bytes"`
	// ResponseBytes caps the response body a guest can write.
	ResponseBytes int64 `toml:"response_bytes"`
	// InstancesPerRoute caps the live instances of one module version.
	InstancesPerRoute int `toml:"instances_per_route"`
	// IdlePerRoute caps the warm, idle instances kept per module version.
	IdlePerRoute int `toml:"idle_per_route"`
	// RequestsPerInstance recycles an instance after this many requests.
	RequestsPerInstance int `toml:"requests_per_instance"`
	// GrowthPages recycles an instance whose memory grew by more than this
	// many pages since it was created.
	GrowthPages uint32 `toml:"growth_pages"`
	// StatementTimeout bounds each database statement (within the
	// request's deadline).
	StatementTimeout Duration `toml:"statement_timeout"`
	// DBMaxBytes caps the size of the app's database file.
	DBMaxBytes int64 `toml:"db_max_bytes"`
	// RenderTimeout bounds one server render of a page (within the
	// request's deadline).
	RenderTimeout Duration `toml:"render_timeout"`
	// RenderCacheEntries and RenderCacheBytes bound the app's cache of
	// rendered pages; -1 entries turns the cache off.
	RenderCacheEntries int `toml:"render_cache_entries"`
	RenderCacheBytes   int `toml:"render_cache_bytes"`
	// LogBytes is what a guest may log in one request (log import,
	// stdout, stderr); each record counts at least logRecordMin bytes.
	LogBytes int64 `toml:"log_bytes"`
}

// DefaultLimits are the limits of an app that sets none.
var DefaultLimits = Limits{
	MemoryPages:         1024, // 64 MiB
	RequestTimeout:      Duration(10 * time.Second),
	BodyBytes:           8 << 20,
	ResponseBytes:       8 << 20,
	InstancesPerRoute:   16,
	IdlePerRoute:        4,
	RequestsPerInstance: 10000,
	GrowthPages:         256, // 16 MiB
	StatementTimeout:    Duration(5 * time.Second),
	DBMaxBytes:          256 << 20,
	RenderTimeout:       Duration(time.Second),
	RenderCacheEntries:  512,
	RenderCacheBytes:    32 << 20,
	LogBytes:            256 << 10,
}

// WithDefaults returns l with every zero field filled from DefaultLimits.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits
	if l.MemoryPages == 0 {
		l.MemoryPages = d.MemoryPages
	}
	if l.RequestTimeout == 0 {
		l.RequestTimeout = d.RequestTimeout
	}
	if l.BodyBytes == 0 {
		l.BodyBytes = d.BodyBytes
	}
	if l.ResponseBytes == 0 {
		l.ResponseBytes = d.ResponseBytes
	}
	if l.InstancesPerRoute == 0 {
		l.InstancesPerRoute = d.InstancesPerRoute
	}
	if l.IdlePerRoute == 0 {
		l.IdlePerRoute = d.IdlePerRoute
	}
	if l.RequestsPerInstance == 0 {
		l.RequestsPerInstance = d.RequestsPerInstance
	}
	if l.GrowthPages == 0 {
		l.GrowthPages = d.GrowthPages
	}
	if l.StatementTimeout == 0 {
		l.StatementTimeout = d.StatementTimeout
	}
	if l.DBMaxBytes == 0 {
		l.DBMaxBytes = d.DBMaxBytes
	}
	if l.RenderTimeout == 0 {
		l.RenderTimeout = d.RenderTimeout
	}
	if l.RenderCacheEntries == 0 {
		l.RenderCacheEntries = d.RenderCacheEntries
	}
	if l.RenderCacheBytes == 0 {
		l.RenderCacheBytes = d.RenderCacheBytes
	}
	if l.LogBytes == 0 {
		l.LogBytes = d.LogBytes
	}
	return l
}

// keyError is a limit out of its allowed range.
type keyError struct{ key, msg string }

// validate reports the first limit that is out of its allowed range.
func (l Limits) validate() *keyError {
	const positive = "must be positive"
	for _, c := range []struct {
		key string
		bad bool
		msg string
	}{
		{"memory_pages", l.MemoryPages > 65536, "at most 65536 (4 GiB)"},
		{"request_timeout", l.RequestTimeout < 0, positive},
		{"body_bytes", l.BodyBytes < 0, positive},
		{"response_bytes", l.ResponseBytes < 0, positive},
		{"instances_per_route", l.InstancesPerRoute < 0, positive},
		{"idle_per_route", l.IdlePerRoute < 0, positive},
		{"requests_per_instance", l.RequestsPerInstance < 0, positive},
		{"statement_timeout", l.StatementTimeout < 0, positive},
		{"render_timeout", l.RenderTimeout < 0, positive},
		{"render_cache_entries", l.RenderCacheEntries < -1, "must be -1 (off) or more"},
		{"render_cache_bytes", l.RenderCacheBytes < 0, positive},
		{"log_bytes", l.LogBytes < 0, positive},
		{"db_max_bytes", l.DBMaxBytes < 0 || (l.DBMaxBytes > 0 && l.DBMaxBytes < 64<<10), "at least 65536"},
	} {
		if c.bad {
			return &keyError{c.key, c.msg}
		}
	}
	return nil
}

// Duration is a time.Duration written in TOML as a string such as "10s".
type Duration time.Duration

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes the duration as a Go duration string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// String returns the duration in Go's notation.
func (d Duration) String() string { return time.Duration(d).String() }

// Std returns the duration as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

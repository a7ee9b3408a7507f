// Config: an app's sandkit.toml, every field optional (spec/config.md).

package settings

// Config is an app's settings. The zero value serves an app with every
// default.
type Config struct {
	// Name names the app in logs; the folder name by default.
	Name string `toml:"name"`
	// Isolation chooses how much of an instance a request may see of the
	// requests before it: [IsolationPool] (the default: warm instances
	// serve many requests, so a guest's global variables persist) or
	// [IsolationRequest] (every request gets a fresh instance, restored
	// from a snapshot taken right after the guest's initialisation).
	Isolation string `toml:"isolation"`
	// Limits bound the app's guests.
	Limits Limits `toml:"limits"`
	// Env holds the values guests read with env_get. Host environment
	// variables are never passed through, except as SANDKIT_ENV_<KEY>
	// overrides of keys declared here and from_env values.
	Env map[string]string `toml:"env"`
	// Database chooses where the app's data lives.
	Database Database `toml:"database"`
	// Pages configures the server rendering of the app's pages.
	Pages Pages `toml:"pages"`
	// SecretKey signs the app's cookies (the session cookie of the Go
	// SDK's auth package, flash messages). Guests read it with env_get as
	// SANDKIT_SECRET_KEY (spec/abi.md §10). Set it from the environment:
	// secret_key = { from_env = "APP_SECRET_KEY" }, or SANDKIT_SECRET_KEY.
	// Empty: sandkit dev makes one per app (.sandkit/secret_key); elsewhere
	// an app that signs anything fails its requests with a message naming
	// this setting.
	SecretKey string `toml:"secret_key"`
}

// The values of isolation.
const (
	// IsolationPool serves requests from warm instances reused for up to
	// limits.requests_per_instance requests.
	IsolationPool = "pool"
	// IsolationRequest gives every request of a reactor guest its own
	// instance, restored from a copy-on-write snapshot of the guest's
	// memory and globals taken after its initialisation, and closed after
	// the request: nothing one request leaves in the guest is seen by
	// another.
	IsolationRequest = "request"
)

// MinSecretKeyBytes is the shortest secret_key accepted: 32 bytes, as many
// as the HMAC-SHA256 it keys.
const MinSecretKeyBytes = 32

// Pages is the [pages] section.
type Pages struct {
	// ReuseInstances lets a render run in the state an earlier render
	// left its QuickJS instance in, instead of the pristine state after
	// the server bundle was evaluated: what a page stores in globalThis,
	// a prototype or a module-level variable is then seen by later
	// renders, for other users. It saves the reset after each render; the
	// render cache is off (spec/pages.md, "Pristine renders").
	ReuseInstances bool `toml:"reuse_instances"`
}

// Database says where the app's data lives: its SQLite file data/app.db,
// or, when the host's operator sets SANDKIT_DATABASE_URL, its own schema
// and role of that PostgreSQL database. An app's own file cannot choose:
// the URL carries the admin's rights.
type Database struct {
	// URL is the host's admin URL, from SANDKIT_DATABASE_URL only. The
	// file's [database] url is refused with a hint (it was accepted once).
	URL string `toml:"url"`
}

// DatabaseURLEnv is the host's PostgreSQL admin URL, for every app of the
// host: a role with CREATEROLE that provisions each app's own role. It is
// [VarName]("database.url"), and the only layer database.url may come from.
const DatabaseURLEnv = "SANDKIT_DATABASE_URL"

// LoadConfig returns the effective settings of the app in dir ([Load]):
// defaults, then dir/sandkit.toml, then dir/sandkit.<env>.toml, then the
// SANDKIT_* environment variables.
func LoadConfig(dir string) (Config, error) {
	s, err := Load(dir)
	if err != nil {
		return Config{}, err
	}
	return s.Config(), nil
}

// The secret_key setting's checks: its length, and the [env] name guests
// read it under, which an app cannot take; nor can it take the name under
// which the host gives guests the database engine.

package settings

import (
	"fmt"

	"sandkit.dev/sandkit/abi"
)

// checkSecretKey refuses a key shorter than [MinSecretKeyBytes] and an
// [env] key named [abi.EnvSecretKey] or [abi.EnvDatabaseEngine]. The key
// itself is never printed.
func checkSecretKey(s *Settings, cfg Config) error {
	if k := cfg.SecretKey; k != "" && len(k) < MinSecretKeyBytes {
		return fmt.Errorf("%ssecret_key is %d bytes; it must be at least %d\nhint: make one with: openssl rand -hex 32", s.Origin("secret_key").where(), len(k), MinSecretKeyBytes)
	}
	if _, ok := cfg.Env[abi.EnvSecretKey]; ok {
		return fmt.Errorf("%senv.%s: this name is reserved for secret_key\nhint: set secret_key = { from_env = \"…\" } instead", s.Origin("env."+abi.EnvSecretKey).where(), abi.EnvSecretKey)
	}
	if _, ok := cfg.Env[abi.EnvDatabaseEngine]; ok {
		return fmt.Errorf("%senv.%s: this name is reserved: the host sets it to the app's database engine (sqlite or postgres)\nhint: the host's operator chooses PostgreSQL with SANDKIT_DATABASE_URL (spec/config.md, \"The database\")", s.Origin("env."+abi.EnvDatabaseEngine).where(), abi.EnvDatabaseEngine)
	}
	return nil
}

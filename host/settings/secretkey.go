// The secret_key setting's checks: its length, and the [env] name guests
// read it under, which an app cannot take.

package settings

import (
	"fmt"

	"sandkit.dev/sandkit/abi"
)

// checkSecretKey refuses a key shorter than [MinSecretKeyBytes] and an
// [env] key named [abi.EnvSecretKey]. The key itself is never printed.
func checkSecretKey(s *Settings, cfg Config) error {
	if k := cfg.SecretKey; k != "" && len(k) < MinSecretKeyBytes {
		return fmt.Errorf("%ssecret_key is %d bytes; it must be at least %d\nhint: make one with: openssl rand -hex 32", s.Origin("secret_key").where(), len(k), MinSecretKeyBytes)
	}
	if _, ok := cfg.Env[abi.EnvSecretKey]; ok {
		return fmt.Errorf("%senv.%s: this name is reserved for secret_key\nhint: set secret_key = { from_env = \"…\" } instead", s.Origin("env."+abi.EnvSecretKey).where(), abi.EnvSecretKey)
	}
	return nil
}

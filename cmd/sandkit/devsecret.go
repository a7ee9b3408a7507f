// The development secret key: an app without secret_key gets a random one
// under sandkit dev, kept in .sandkit/secret_key so that its sessions and
// signed cookies survive restarts.

package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"sandkit.dev/sandkit/host/settings"
)

// devSecretKey returns the app's development key, making it on first use.
func devSecretKey(dir string) (string, error) {
	path := filepath.Join(dir, ".sandkit", "secret_key")
	if b, err := os.ReadFile(path); err == nil && len(b) >= settings.MinSecretKeyBytes {
		return string(b), nil
	}
	var raw [32]byte
	rand.Read(raw[:])
	key := hex.EncodeToString(raw[:])
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("development secret key: %w", err)
	}
	if err := os.WriteFile(path, []byte(key), 0o600); err != nil {
		return "", fmt.Errorf("development secret key: %w", err)
	}
	return key, nil
}

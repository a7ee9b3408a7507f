// The app's secret key and the HMAC signatures made with it.

package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"

	"sandkit.dev/sandkit/abi"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// ErrNoSecretKey is returned by everything that signs or verifies when the
// app has no secret key. The message names the setting to set; the key
// itself is never logged.
var ErrNoSecretKey = errors.New("sandkit auth: the app has no secret key: set secret_key in sandkit.toml (secret_key = { from_env = \"APP_SECRET_KEY\" }) or the environment variable SANDKIT_SECRET_KEY, at least 32 bytes (openssl rand -hex 32); sandkit dev makes one by itself")

// secretKey reads the key from the host (spec/abi.md §10).
func secretKey() ([]byte, error) {
	k, ok := sandkit.Env(abi.EnvSecretKey)
	if !ok || k == "" {
		return nil, ErrNoSecretKey
	}
	return []byte(k), nil
}

// mac is HMAC-SHA256(key, purpose + "\x00" + value), so that a signature
// made for one purpose (a session id) is not valid for another (a flash).
func mac(key []byte, purpose, value string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(purpose))
	h.Write([]byte{0})
	h.Write([]byte(value))
	return h.Sum(nil)
}

// Sign returns value followed by "." and its signature for purpose, in
// base64url: a text safe in a cookie that [Verify] gives back only if it
// was made with the app's key and the same purpose. value must be
// cookie-safe itself (base64url, say); it is not encrypted.
func Sign(purpose, value string) (string, error) {
	key, err := secretKey()
	if err != nil {
		return "", err
	}
	return value + "." + base64.RawURLEncoding.EncodeToString(mac(key, purpose, value)), nil
}

// Verify returns the value of a text [Sign] made for purpose, and false
// if the text was not signed with the app's key for that purpose.
func Verify(purpose, signed string) (string, bool, error) {
	key, err := secretKey()
	if err != nil {
		return "", false, err
	}
	i := strings.LastIndexByte(signed, '.')
	if i < 0 {
		return "", false, nil
	}
	got, err := base64.RawURLEncoding.DecodeString(signed[i+1:])
	if err != nil {
		return "", false, nil
	}
	value := signed[:i]
	return value, hmac.Equal(got, mac(key, purpose, value)), nil
}

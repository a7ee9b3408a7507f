// Deploy tokens: made from 32 random bytes, shown once, kept only as the
// hex SHA-256 of the token and compared in constant time.

package registry

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// maxTokenLen bounds what CheckToken hashes: a token is 64 hex digits.
const maxTokenLen = 256

// NewToken makes a deploy token and the hash to store for it.
func NewToken() (token, hash string, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", err
	}
	token = hex.EncodeToString(b[:])
	return token, HashToken(token), nil
}

// HashToken is the hex SHA-256 of token, the form a registry stores.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// MatchToken reports whether token hashes to one of hashes. Every hash is
// compared, each in constant time, so the time taken says nothing of which
// one matched or how much of it did.
func MatchToken(hashes []string, token string) bool {
	if token == "" || len(token) > maxTokenLen {
		return false
	}
	h := []byte(HashToken(token))
	ok := 0
	for _, s := range hashes {
		ok |= subtle.ConstantTimeCompare(h, []byte(s))
	}
	return ok == 1
}

// AddToken makes a deploy token for app, appends its hash to app's tokens
// file (mode 0600) and returns the token. The app's folder is made if it
// does not exist, so an operator can hand out a token before the first
// deploy.
func (d *Dir) AddToken(ctx context.Context, app string) (string, error) {
	if err := checkName(app); err != nil {
		return "", err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.kind(app) == plain {
		return "", plainRefusal(app, "make a deploy token")
	}
	if err := os.MkdirAll(d.appDir(app), 0o755); err != nil {
		return "", fmt.Errorf("app %q: %w", app, err)
	}
	hashes, err := d.tokenHashes(app)
	if err != nil {
		return "", err
	}
	token, hash, err := NewToken()
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	for _, h := range append(hashes, hash) {
		buf.WriteString(h + "\n")
	}
	if err := writeFileAtomic(d.appDir(app), tokensFile, buf.Bytes(), 0o600); err != nil {
		return "", fmt.Errorf("app %q: %s: %w", app, tokensFile, err)
	}
	return token, nil
}

// CheckToken reports whether token is one of app's deploy tokens.
func (d *Dir) CheckToken(ctx context.Context, app, token string) (bool, error) {
	if err := checkName(app); err != nil {
		return false, err
	}
	hashes, err := d.tokenHashes(app)
	if err != nil {
		return false, err
	}
	return MatchToken(hashes, token), nil
}

// tokenHashes reads app's tokens file: one hex SHA-256 a line; other lines
// are ignored.
func (d *Dir) tokenHashes(app string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(d.appDir(app), tokensFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("app %q: %w", app, err)
	}
	var hashes []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if line := bytes.TrimSpace(sc.Bytes()); len(line) == sha256.Size*2 {
			hashes = append(hashes, string(line))
		}
	}
	return hashes, nil
}

package auth

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

func TestSafeNext(t *testing.T) {
	for next, want := range map[string]string{
		"/account":                      "/account",
		"/posts/new?draft=1#top":        "/posts/new?draft=1#top",
		"/a%2F%2Fb":                     "/a%2F%2Fb",
		"":                              "/",
		"//evil.com":                    "/",
		"//evil.com/path":               "/",
		"/\\evil.com":                   "/",
		"/\\/evil.com":                  "/",
		"\\\\evil.com":                  "/",
		"https://evil.com/":             "/",
		"http:/evil.com":                "/",
		"javascript:alert(1)":           "/",
		"evil.com":                      "/",
		"/ok\r\nSet-Cookie: x=1":        "/",
		"/tab\there":                    "/",
		"/" + strings.Repeat("a", 2048): "/",
	} {
		if got := SafeNext(next); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", next, got, want)
		}
	}
}

func TestCheckOrigin(t *testing.T) {
	const host = "app.example:8080"
	for _, c := range []struct {
		method, site, origin string
		ok                   bool
	}{
		{"GET", "cross-site", "https://evil.example", true}, // safe methods pass
		{"HEAD", "cross-site", "", true},
		{"POST", "same-origin", "", true},
		{"POST", "none", "", true},
		{"POST", "same-site", "", false},
		{"POST", "cross-site", "http://app.example:8080", false}, // Sec-Fetch-Site decides
		{"DELETE", "cross-site", "", false},
		{"POST", "", "http://app.example:8080", true},
		{"POST", "", "https://APP.example:8080", true},
		{"POST", "", "https://app.example", false}, // another port is another origin
		{"PUT", "", "https://evil.example", false},
		{"POST", "", "null", false},
		{"PATCH", "", "%zz", false},
		{"POST", "", "", true}, // not a browser (spec/abi.md §10.3)
	} {
		err := checkOrigin(c.method, c.site, c.origin, host)
		if (err == nil) != c.ok || (err != nil && !errors.Is(err, ErrCrossSite)) {
			t.Errorf("%s Sec-Fetch-Site %q Origin %q: %v, want ok=%v", c.method, c.site, c.origin, err, c.ok)
		}
	}
}

func TestSign(t *testing.T) {
	t.Setenv("SANDKIT_SECRET_KEY", "test-key-0123456789abcdef0123456789")
	signed, err := Sign("purpose", "value-1")
	if err != nil {
		t.Fatal(err)
	}
	if v, ok, err := Verify("purpose", signed); !ok || err != nil || v != "value-1" {
		t.Fatalf("Verify(Sign(x)) = %q, %v, %v", v, ok, err)
	}
	id, sig, _ := strings.Cut(signed, ".")
	for _, bad := range []string{"value-2." + sig, id + "." + sig[:len(sig)-2] + "AA", id, id + ".", "", "." + sig} {
		if _, ok, _ := Verify("purpose", bad); ok {
			t.Errorf("Verify(%q) accepted a tampered text", bad)
		}
	}
	if _, ok, _ := Verify("other purpose", signed); ok {
		t.Error("a signature for one purpose verified for another")
	}
	t.Setenv("SANDKIT_SECRET_KEY", "another-key-0123456789abcdef0123456")
	if _, ok, _ := Verify("purpose", signed); ok {
		t.Error("a signature verified under another key")
	}
	t.Setenv("SANDKIT_SECRET_KEY", "")
	if _, err := Sign("purpose", "v"); !errors.Is(err, ErrNoSecretKey) || !strings.Contains(err.Error(), "secret_key") || !strings.Contains(err.Error(), "SANDKIT_SECRET_KEY") {
		t.Errorf("Sign without a key: %v", err)
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not the PHC string of argon2id at m=19456,t=2,p=1", h)
	}
	if ok, err := CheckPassword(h, "correct horse battery staple"); !ok || err != nil {
		t.Fatalf("the right password: %v, %v", ok, err)
	}
	if ok, err := CheckPassword(h, "correct horse battery stapler"); ok || err != nil {
		t.Fatalf("a wrong password: %v, %v", ok, err)
	}
	if h2, _ := HashPassword("correct horse battery staple"); h2 == h {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if NeedsRehash(h) {
		t.Error("a hash made now needs a rehash")
	}
	// Other parameters (an older, cheaper hash) still verify, and ask for a rehash.
	salt := []byte("saltsaltsaltsalt")
	old := "$argon2id$v=19$m=8192,t=1,p=1$" + base64.RawStdEncoding.EncodeToString(salt) + "$"
	key := argon2.IDKey([]byte("hunter22"), salt, 1, 8192, 1, 32)
	if ok, err := CheckPassword(old+base64.RawStdEncoding.EncodeToString(key), "hunter22"); !ok || err != nil {
		t.Errorf("a hash with older parameters: %v, %v", ok, err)
	}
	if !NeedsRehash(old + base64.RawStdEncoding.EncodeToString(key)) {
		t.Error("a hash with older parameters does not ask for a rehash")
	}
	if _, err := CheckPassword(old+"AAAA", "x"); err == nil {
		t.Error("a key of 3 bytes was accepted")
	}
	// bcrypt hashes from elsewhere verify.
	b, err := bcrypt.GenerateFromPassword([]byte("password"), 4)
	if err != nil {
		t.Fatal(err)
	}
	bc := string(b)
	if ok, err := CheckPassword(bc, "password"); !ok || err != nil {
		t.Errorf("bcrypt, the right password: %v, %v", ok, err)
	}
	if ok, err := CheckPassword(bc, "wrong"); ok || err != nil {
		t.Errorf("bcrypt, a wrong password: %v, %v", ok, err)
	}
	if !NeedsRehash(bc) {
		t.Error("a bcrypt hash does not ask for a rehash")
	}
	for _, bad := range []string{"", "plain", "$argon2id$v=19$m=1048576,t=2,p=1$c2FsdHNhbHQ$c2FsdHNhbHRzYWx0c2FsdA", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$c2FsdHNhbHRzYWx0c2FsdA"} {
		if _, err := CheckPassword(bad, "x"); err == nil {
			t.Errorf("CheckPassword accepted the hash %q", bad)
		}
	}
	// A stored hash cannot make a login allocate gigabytes or spin: its
	// parameters are refused above the host's bounds, before any work.
	for _, costly := range []string{
		"$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHQ$c2FsdHNhbHRzYWx0c2FsdA",       // 4 GiB
		"$argon2id$v=19$m=65537,t=1,p=1$c2FsdHNhbHQ$c2FsdHNhbHRzYWx0c2FsdA",         // 64 MiB + 1 KiB
		"$argon2id$v=19$m=65536,t=4,p=1$c2FsdHNhbHQ$c2FsdHNhbHRzYWx0c2FsdA",         // 4 passes over 64 MiB
		"$argon2id$v=19$m=8192,t=4294967295,p=1$c2FsdHNhbHQ$c2FsdHNhbHRzYWx0c2FsdA", // 2^32-1 passes
		"$argon2id$v=19$m=19456,t=2,p=5$c2FsdHNhbHQ$c2FsdHNhbHRzYWx0c2FsdA",         // 5 lanes
		"$2a$13" + bc[6:], // bcrypt cost 13
		"$2b$31" + bc[6:], // bcrypt cost 31
	} {
		if _, err := CheckPassword(costly, "x"); err == nil || !strings.Contains(err.Error(), "over the host's bounds") {
			t.Errorf("CheckPassword(%q): %v, want an error about the host's bounds", costly, err)
		}
	}
	// Within the bounds: RFC 9106's 64 MiB × 3 passes, bcrypt cost 12's prefix.
	if ok, err := CheckPassword("$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$c2FsdHNhbHRzYWx0c2FsdA", "x"); ok || err != nil {
		t.Errorf("64 MiB, 3 passes, 4 lanes: %v, %v", ok, err)
	}
	if _, err := HashPassword(strings.Repeat("x", MaxPasswordBytes+1)); !errors.Is(err, ErrPasswordTooLong) {
		t.Errorf("a password over the bound: %v", err)
	}
}

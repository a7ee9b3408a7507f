package password_test

import (
	"errors"
	"fmt"
	"testing"

	"sandkit.dev/sandkit/internal/password"
)

func TestParse(t *testing.T) {
	const salt, key = "c2FsdHNhbHQ", "c2FsdHNhbHRzYWx0c2FsdA"
	for _, tc := range []struct {
		hash string
		want error
	}{
		{"$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key, nil},
		{"$argon2id$v=19$m=65536,t=3,p=4$" + salt + "$" + key, nil},
		{"$argon2id$v=19$m=65536,t=4,p=1$" + salt + "$" + key, password.ErrOverLimit},
		{"$argon2id$v=19$m=65537,t=1,p=1$" + salt + "$" + key, password.ErrOverLimit},
		{"$argon2id$v=19$m=9999999999,t=1,p=1$" + salt + "$" + key, password.ErrOverLimit},
		{"$argon2id$v=19$m=8192,t=9999999999,p=1$" + salt + "$" + key, password.ErrOverLimit},
		{"$argon2id$v=19$m=8192,t=1,p=5$" + salt + "$" + key, password.ErrOverLimit},
		{"$argon2id$v=19$m=99999999999,t=1,p=1$" + salt + "$" + key, password.ErrMalformed}, // 11 digits
		{"$argon2id$v=19$m=8192,t=0,p=1$" + salt + "$" + key, password.ErrMalformed},
		{"$argon2id$v=19$m=8192,t=1,p=0$" + salt + "$" + key, password.ErrMalformed},
		{"$argon2id$v=19$m=8,t=1,p=2$" + salt + "$" + key, password.ErrMalformed}, // m < 8p
		{"$argon2id$v=19$m=-1,t=1,p=1$" + salt + "$" + key, password.ErrMalformed},
		{"$argon2id$v=19$m=08192,t=1,p=1$" + salt + "$" + key, password.ErrMalformed},
		{"$argon2id$v=19$t=1,m=8192,p=1$" + salt + "$" + key, password.ErrMalformed},
		{"$argon2id$v=16$m=8192,t=1,p=1$" + salt + "$" + key, password.ErrMalformed},
		{"$argon2id$m=8192,t=1,p=1$" + salt + "$" + key, password.ErrMalformed},
		{"$argon2i$v=19$m=8192,t=1,p=1$" + salt + "$" + key, password.ErrMalformed},
		{"$argon2id$v=19$m=8192,t=1,p=1$" + salt + "=$" + key, password.ErrMalformed},
		{"$argon2id$v=19$m=8192,t=1,p=1$c2Fs$" + key, password.ErrMalformed},       // 3-byte salt
		{"$argon2id$v=19$m=8192,t=1,p=1$" + salt + "$AAAA", password.ErrMalformed}, // 3-byte key
		{"$argon2id$v=19$m=8192,t=1,p=1$" + salt + "$" + key + "$", password.ErrMalformed},
		{"$2a$10$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234", nil},
		{"$2a$13$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234", password.ErrOverLimit},
		{"$2a$99$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234", password.ErrMalformed},
		{"$2a$10$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234x", password.ErrMalformed},
		{"$2a$10$short", password.ErrMalformed},
		{"$2x$10$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234", password.ErrMalformed},
		{"", password.ErrMalformed},
		{fmt.Sprintf("$argon2id$v=19$m=8192,t=1,p=1$%0300d$", 0), password.ErrMalformed}, // over 256 bytes
	} {
		_, err := password.Parse(tc.hash)
		if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("Parse(%q) = %v, want %v", tc.hash, err, tc.want)
		}
	}
}

func TestVerify(t *testing.T) {
	h, err := password.New([]byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := password.Parse(h)
	if err != nil {
		t.Fatal(err)
	}
	long := make([]byte, password.MaxBytes+1)
	if !p.Verify([]byte("pw")) || p.Verify([]byte("pW")) || p.Verify(long) {
		t.Error("Verify")
	}
	if _, err := password.New(long); !errors.Is(err, password.ErrTooLong) {
		t.Errorf("New of %d bytes: %v", len(long), err)
	}
}

// BenchmarkArgon2id measures argon2id at the parameter sets considered
// for Default (spec/RATIONALE.md, "Password hashing in the host").
func BenchmarkArgon2id(b *testing.B) {
	for _, p := range []string{"m=19456,t=2,p=1", "m=47104,t=1,p=1", "m=65536,t=1,p=1", "m=65536,t=3,p=1", "m=65536,t=3,p=4"} {
		h, err := password.Parse("$argon2id$v=19$" + p + "$c2FsdHNhbHQ$c2FsdHNhbHRzYWx0c2FsdA")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(p, func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					h.Verify([]byte("correct horse battery staple"))
				}
			})
		})
	}
}

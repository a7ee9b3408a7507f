// Hostile and broken bundles: each is refused by Put with a reason, and
// leaves nothing behind.

package registry_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"sandkit.dev/sandkit/host/registry"
)

// wasmImporting is a module whose one import is the function mod.name.
func wasmImporting(mod, name string) []byte {
	b := []byte("\x00asm\x01\x00\x00\x00")
	b = append(b, 1, 4, 1, 0x60, 0, 0) // type section: () -> ()
	imp := []byte{1, byte(len(mod))}
	imp = append(imp, mod...)
	imp = append(imp, byte(len(name)))
	imp = append(imp, name...)
	imp = append(imp, 0, 0) // a function of type 0
	b = append(b, 2, byte(len(imp)))
	return append(b, imp...)
}

// withWasm is a bundle of hello-c whose module is wasm.
func withWasm(t *testing.T, wasm []byte) []byte {
	out := filepath.Join(t.TempDir(), "a")
	writeArtifact(t, out, wasm, nil)
	return pack(t, out)
}

func TestPutRefusesHostileBundles(t *testing.T) {
	good := artifactEntries(t, helloC(t))
	plus := func(es ...entry) []byte { return tarball(t, true, append(append([]entry(nil), good...), es...)...) }
	escape := filepath.Join(t.TempDir(), "escaped-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	corrupt := append([]entry(nil), good...)
	for i, e := range corrupt {
		if e.name == "routes/c/handler.wasm" {
			b := bytes.Clone(e.body)
			b[len(b)-1] ^= 1
			corrupt[i].body = b
		}
	}
	var zeros bytes.Buffer // 16 MiB of zeros: about 16 KiB compressed
	zw, _ := gzip.NewWriterLevel(&zeros, gzip.BestCompression)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: "public/zeros", Typeflag: tar.TypeReg, Size: 16 << 20, Mode: 0o644})
	tw.Write(make([]byte, 16<<20))
	tw.Close()
	zw.Close()
	const limit = 64 << 10
	if zeros.Len() > limit {
		t.Fatalf("the bomb is %d bytes compressed, more than the limit", zeros.Len())
	}

	for _, tc := range []struct {
		name   string
		bundle []byte
		max    int64
		want   string
	}{
		{"parent path", plus(entry{name: "../x", body: []byte("x")}), 0, `"../x": a path with ".."`},
		{"deep parent path", plus(entry{name: "public/../../../../../../../../../../.." + escape, body: []byte("x")}), 0, `".."`},
		{"absolute path", plus(entry{name: escape, body: []byte("x")}), 0, "an absolute path"},
		{"symbolic link", plus(entry{name: "public/passwd", typ: tar.TypeSymlink, link: "/etc/passwd"}), 0, "symbolic link"},
		{"hard link", plus(entry{name: "public/passwd", typ: tar.TypeLink, link: "/etc/passwd"}), 0, "hard link"},
		{"device", plus(entry{name: "public/null", typ: tar.TypeChar}), 0, "character device"},
		{"fifo", plus(entry{name: "public/fifo", typ: tar.TypeFifo}), 0, "named pipe"},
		{"database", plus(entry{name: "data/app.db", body: []byte("SQLite format 3\x00")}), 0, "under data/"},
		{"data folder", plus(entry{name: "data/", typ: tar.TypeDir}), 0, "under data/"},
		{"duplicate", plus(entry{name: "sandkit.toml", body: []byte("name = \"x\"\n")}), 0, "given twice"},
		{"unlisted file", plus(entry{name: "public/extra.txt", body: []byte("x")}), 0, "not listed"},
		{"backslash", plus(entry{name: `public\x`, body: []byte("x")}), 0, "backslash"},
		{"bad manifest hash", tarball(t, true, corrupt...), 0, "corrupt"},
		{"no manifest", tarball(t, true, good[1:]...), 0, "sandkit-artifact.json"},
		{"import env.system", withWasm(t, wasmImporting("env", "system")), 0, `"env"."system"`},
		{"unknown sandkit import", withWasm(t, wasmImporting("sandkit", "exec")), 0, `"sandkit"."exec", which ABI version 1 does not have`},
		{"unknown wasi import", withWasm(t, wasmImporting("wasi_snapshot_preview1", "sock_open")), 0, "not a WASI preview 1 function"},
		{"fuel import", withWasm(t, wasmImporting("sandkit_fuel", "yield")), 0, `"sandkit_fuel"."yield"`},
		{"not wasm", withWasm(t, []byte("#!/bin/sh\nrm -rf /\n")), 0, "not a wasm binary"},
		{"settings", plus(), 0, ""}, // replaced below
		{"gzip bomb", zeros.Bytes(), limit, "uncompressed"},
		{"over max bytes", plus(), 1000, "larger than 1000 bytes"},
		{"not gzip", tarball(t, false, good...), 0, "not gzip-compressed"},
		{"truncated", plus()[:600], 0, "unexpected EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "settings" {
				out := filepath.Join(t.TempDir(), "a")
				writeArtifact(t, out, nil, map[string][]byte{"sandkit.toml": []byte("name = \"hello-c\"\n[limits]\nrequest_timeout = \"forever\"\n")})
				tc.bundle, tc.want = pack(t, out), "settings: "
			}
			d := openDir(t)
			max := tc.max
			if max == 0 {
				max = 1 << 20
			}
			_, err := d.Put(context.Background(), "shop", bytes.NewReader(tc.bundle), max)
			expectRefused(t, d, "shop", err, tc.want)
			if _, err := os.Lstat(escape); err == nil {
				t.Errorf("%s was written", escape)
			}
			tooLarge := errors.Is(err, registry.ErrTooLarge)
			if want := tc.name == "gzip bomb" || tc.name == "over max bytes"; tooLarge != want {
				t.Errorf("errors.Is(err, ErrTooLarge) = %v, want %v", tooLarge, want)
			}
		})
	}
}

func TestPutSizeLimitIsExact(t *testing.T) {
	bundle := pack(t, helloC(t))
	d := openDir(t)
	ctx := context.Background()
	if _, err := d.Put(ctx, "shop", bytes.NewReader(bundle), int64(len(bundle))-1); !errors.Is(err, registry.ErrTooLarge) {
		t.Fatalf("a bundle one byte over: %v", err)
	}
	v, err := d.Put(ctx, "shop", bytes.NewReader(bundle), int64(len(bundle)))
	if err != nil {
		t.Fatalf("a bundle of exactly the limit: %v", err)
	}
	if v.Size != int64(len(bundle)) {
		t.Errorf("size %d, want %d", v.Size, len(bundle))
	}
}

func TestPutRefusesTooManyEntries(t *testing.T) {
	es := artifactEntries(t, helloC(t))
	for i := range registry.MaxBundleEntries {
		es = append(es, entry{name: "public/d" + strconv.Itoa(i) + "/", typ: tar.TypeDir})
	}
	d := openDir(t)
	_, err := d.Put(context.Background(), "shop", bytes.NewReader(tarball(t, true, es...)), 1<<20)
	expectRefused(t, d, "shop", err, "more than 20000 files")
}

// A .wasm the browser runs (public/, the pages' client assets) has its own
// imports: it is not refused for them.
func TestPutAcceptsBrowserWasm(t *testing.T) {
	out := filepath.Join(t.TempDir(), "a")
	writeArtifact(t, out, nil, map[string][]byte{
		"public/app.wasm":                    wasmImporting("wbg", "__wbindgen_throw"),
		".sandkit/build/pages/client/x.wasm": wasmImporting("env", "memory_grow"),
	})
	d := openDir(t)
	if _, err := d.Put(context.Background(), "shop", bytes.NewReader(pack(t, out)), 1<<20); err != nil {
		t.Fatal(err)
	}
}

// Settings are read with the tenant's environment where the host gives
// one (WithEnv): a setting from_env with no default checks out then, and
// only then.
func TestPutReadsSettingsWithTheTenantsEnvironment(t *testing.T) {
	out := filepath.Join(t.TempDir(), "a")
	writeArtifact(t, out, nil, map[string][]byte{"sandkit.toml": []byte("name = \"hello-c\"\n[env]\nAPI_KEY = { from_env = \"SHOP_API_KEY\" }\n")})
	bundle := pack(t, out)
	ctx := context.Background()

	d := openDir(t)
	_, err := d.Put(ctx, "shop", bytes.NewReader(bundle), 1<<20)
	expectRefused(t, d, "shop", err, "SHOP_API_KEY, which is not set")

	env := func(app string) func(string) (string, bool) {
		if app != "shop" {
			return nil
		}
		return func(k string) (string, bool) {
			if k == "SHOP_API_KEY" {
				return "k", true
			}
			return "", false
		}
	}
	d = openDir(t, registry.WithEnv(env))
	if _, err := d.Put(ctx, "shop", bytes.NewReader(bundle), 1<<20); err != nil {
		t.Fatalf("with the tenant's environment: %v", err)
	}
	_, err = d.Put(ctx, "blog", bytes.NewReader(bundle), 1<<20) // another tenant's is not shop's
	expectRefused(t, d, "blog", err, "SHOP_API_KEY, which is not set")
}

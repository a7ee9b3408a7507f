package artifact_test

import (
	"fmt"
	"os"
	"path/filepath"

	"sandkit.dev/sandkit/artifact"
)

func Example() {
	tmp, _ := os.MkdirTemp("", "artifact-example-")
	defer os.RemoveAll(tmp)
	// A built app's files (sandkit build makes them).
	mig := filepath.Join(tmp, "0001_init.up.sql")
	os.WriteFile(mig, []byte("CREATE TABLE t (x);\n"), 0o644)

	out := filepath.Join(tmp, "dist")
	_, err := artifact.Write(out, artifact.Spec{
		App:      "blog",
		Routes:   []string{"page.tsx", "posts/page.tsx"},
		Files:    map[string]string{"migrations/0001_init.up.sql": mig},
		Contents: map[string][]byte{"sandkit.toml": []byte("name = \"blog\"\n")},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	// The host checks it before serving it.
	m, err := artifact.Open(out)
	if err != nil {
		fmt.Println(err)
		return
	}
	table, _ := m.Table()
	for _, rt := range table.Routes() {
		fmt.Printf("route %q %s\n", rt.ID(), rt.Pattern())
	}
	for _, f := range m.Files {
		fmt.Println(f.Path, f.Size)
	}

	// A damaged file is found.
	os.WriteFile(filepath.Join(out, "migrations", "0001_init.up.sql"), []byte("DROP TABLE t;\n"), 0o644)
	_, err = artifact.Open(out)
	fmt.Println(err != nil)
	// Output:
	// route "" /
	// route "posts" /posts
	// migrations/0001_init.up.sql 20
	// sandkit.toml 14
	// true
}

// A public file's SHA-256, computed once per file identity: the host's
// ETag for it.
func ExampleVerified_SHA256() {
	tmp, _ := os.MkdirTemp("", "artifact-example-")
	defer os.RemoveAll(tmp)
	p := filepath.Join(tmp, "robots.txt")
	os.WriteFile(p, []byte("User-agent: *\n"), 0o644)

	var v artifact.Verified
	for range 2 { // the second call reads nothing on Linux
		f, _ := os.Open(p)
		sum, err := v.SHA256(f)
		f.Close()
		fmt.Println(sum[:16], err)
	}
	// Output:
	// fd89345af6aca5da <nil>
	// fd89345af6aca5da <nil>
}

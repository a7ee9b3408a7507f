package pgregistry_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"sandkit.dev/sandkit/artifact"
	"sandkit.dev/sandkit/host/registry"
	"sandkit.dev/sandkit/host/registry/pgregistry"
	"sandkit.dev/sandkit/internal/pgtest"
)

// Two hosts share a registry in PostgreSQL: one deploys an app, the other
// hears of the activation and checks the version out. (It runs against the
// test database of scripts/install-deps.sh, in a schema of its own.)
func ExampleOpen() {
	url := os.Getenv("SANDKIT_TEST_POSTGRES")
	if url == "" {
		url = pgtest.DefaultURL
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tmp, _ := os.MkdirTemp("", "pgregistry-example-")
	defer os.RemoveAll(tmp)
	schema := "sandkit__registry_example" + strconv.Itoa(os.Getpid())
	defer func() {
		if conn, err := pgx.Connect(context.Background(), url); err == nil {
			conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
			conn.Close(context.Background())
		}
	}()

	// A bundle of an artifact: examples/hello-c's one route.
	wasm, _ := os.ReadFile("../../../examples/hello-c/routes/c/handler.wasm")
	art := filepath.Join(tmp, "hello-c")
	artifact.Write(art, artifact.Spec{App: "hello-c", Routes: []string{"c/handler.wasm"}, Contents: map[string][]byte{
		"sandkit.toml":          []byte("name = \"hello-c\"\n"),
		"routes/c/handler.wasm": wasm,
	}})
	var bundle bytes.Buffer
	registry.Pack(art, &bundle)

	deployer, err := pgregistry.Open(ctx, url, filepath.Join(tmp, "cache1"), pgregistry.WithSchema(schema))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer deployer.Close()
	server, err := pgregistry.Open(ctx, url, filepath.Join(tmp, "cache2"), pgregistry.WithSchema(schema))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer server.Close()
	changes, _ := server.Changes(ctx)

	v, err := deployer.Put(ctx, "shop", &bundle, 256<<20)
	if err != nil {
		fmt.Println(err)
		return
	}
	deployer.Activate(ctx, "shop", v.Name)

	fmt.Println("heard:", <-changes)
	apps, _ := server.Apps(ctx)
	dir, _ := server.Checkout(ctx, apps[0].Name, apps[0].Active)
	m, err := artifact.Open(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(apps[0].Name, apps[0].Active, m.App, m.Routes)
	// Output:
	// heard: shop
	// shop v1 hello-c [c/handler.wasm]
}

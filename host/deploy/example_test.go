package deploy_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"

	"sandkit.dev/sandkit/host/deploy"
	"sandkit.dev/sandkit/host/registry"
)

// Serve the deploy API over a bundle directory, make a deploy token for an
// app, and see who may do what.
func Example() {
	dir, _ := os.MkdirTemp("", "apps")
	defer os.RemoveAll(dir)
	reg, _ := registry.OpenDir(dir)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(deploy.New(reg, deploy.WithOperatorToken("op-secret"), deploy.WithLogger(quiet)))
	defer srv.Close()
	ctx := context.Background()

	operator, _ := deploy.NewClient(srv.URL, "op-secret")
	token, _ := operator.AddToken(ctx, "blog")
	fmt.Println("blog's token:", strings.HasPrefix(token, "blog."))

	// An upload with it would be: blog.Upload(ctx, "blog", bundle, size, true),
	// bundle being registry.Pack of an artifact folder (sandkit deploy does it).
	blog, _ := deploy.NewClient(srv.URL, token)
	_, err := blog.Versions(ctx, "blog")
	fmt.Println(err)
	_, err = blog.Apps(ctx)
	fmt.Println(err)
	stranger, _ := deploy.NewClient(srv.URL, "guess")
	_, err = stranger.Versions(ctx, "blog")
	fmt.Println(err)
	// Output:
	// blog's token: true
	// 404 Not Found: listing versions: app "blog": not found
	// 403 Forbidden: a deploy token may upload, activate and list the versions of its own app only: this needs the operator token
	// 401 Unauthorized: the token is neither the operator token nor a deploy token of this app
}

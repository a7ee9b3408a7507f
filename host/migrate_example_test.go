package host_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"sandkit.dev/sandkit/host"
)

// Migrations are SQL files in the app's migrations/ folder, applied in
// order, each in a transaction.
func ExampleOpenMigrator() {
	app, _ := os.MkdirTemp("", "app-")
	defer os.RemoveAll(app)
	os.MkdirAll(filepath.Join(app, "migrations"), 0o755)
	os.WriteFile(filepath.Join(app, "migrations", "0001_create_posts.up.sql"),
		[]byte("CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL);\n"), 0o644)
	os.WriteFile(filepath.Join(app, "migrations", "0001_create_posts.down.sql"),
		[]byte("DROP TABLE posts;\n"), 0o644)

	ctx := context.Background()
	m, err := host.OpenMigrator(ctx, app)
	if err != nil {
		panic(err)
	}
	defer m.Close()
	applied, err := m.Up(ctx)
	fmt.Println(applied, err)
	status, _ := m.Status(ctx)
	for _, s := range status {
		fmt.Println(s.Name, s.Applied)
	}
	// Output:
	// [0001_create_posts] <nil>
	// 0001_create_posts true
}

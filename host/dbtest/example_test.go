package dbtest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"sandkit.dev/sandkit/guest-sdk/go/db"
	"sandkit.dev/sandkit/host/dbtest"
)

// A handler's database code, run natively against the app's migrations.
func Example() {
	app, _ := os.MkdirTemp("", "notes")
	defer os.RemoveAll(app)
	os.MkdirAll(filepath.Join(app, "migrations"), 0o755)
	os.WriteFile(filepath.Join(app, "migrations", "0001_notes.up.sql"),
		[]byte("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);"), 0o644)

	ctx := context.Background()
	tdb, err := dbtest.New(ctx, app)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tdb.Close()
	db.SetNativeHost(tdb)
	defer db.SetNativeHost(nil)

	// What a handler would do while serving one request.
	db.Exec("INSERT INTO notes (body) VALUES (?)", "hello")
	b, err := db.QueryJSON("SELECT id, body FROM notes")
	fmt.Println(string(b), err)
	tdb.EndRequest() // as the host does after each request

	_, err = db.Exec("ATTACH 'other.db' AS other")
	fmt.Println(db.IsRefused(err))
	// Output:
	// [{"id":1,"body":"hello"}] <nil>
	// true
}

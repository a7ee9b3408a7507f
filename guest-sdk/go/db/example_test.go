//go:build !wasip1

package db_test

import (
	"fmt"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

// cannedHost stands in for the sandkit host in a native test: every query
// returns the same two rows.
type cannedHost struct{}

func (cannedHost) Query(string, []byte) []byte {
	b := abi.AppendRowsHeader(nil, []abi.Column{{Name: "id", DeclType: "INTEGER"}, {Name: "title", DeclType: "TEXT"}}, 2)
	for _, v := range []abi.Value{{Tag: abi.TagInt, Int: 1}, {Tag: abi.TagText, Str: "milk"}, {Tag: abi.TagInt, Int: 2}, {Tag: abi.TagText, Str: "eggs"}} {
		b = abi.AppendValue(b, v)
	}
	return b
}
func (cannedHost) Exec(string, []byte) []byte { return abi.AppendExecResult(nil, 1, 3) }
func (cannedHost) Begin(int32) []byte         { return nil }
func (cannedHost) Commit() []byte             { return nil }
func (cannedHost) Rollback() []byte           { return nil }

// The fast path: rows scanned with a type switch, no reflection.
func ExampleQuery() {
	db.SetNativeHost(cannedHost{}) // inside the host, the real database answers
	defer db.SetNativeHost(nil)

	rows, err := db.Query("SELECT id, title FROM todos WHERE done = ?", false)
	if err != nil {
		panic(err)
	}
	for rows.Next() {
		var id int64
		var title string
		rows.Scan(&id, &title)
		fmt.Println(id, title)
	}
	res, _ := db.Exec("INSERT INTO todos (title) VALUES (?)", "bread")
	fmt.Println("new id", res.LastInsertID)
	// Output:
	// 1 milk
	// 2 eggs
	// new id 3
}

// database/sql (and bun over it) work as natively: Open returns the app's
// database.
func ExampleOpen() {
	db.SetNativeHost(cannedHost{})
	defer db.SetNativeHost(nil)

	sqldb := db.Open()
	var id int64
	var title string
	if err := sqldb.QueryRow("SELECT id, title FROM todos ORDER BY id LIMIT 1").Scan(&id, &title); err != nil {
		panic(err)
	}
	fmt.Println(id, title)
	res, _ := sqldb.Exec("UPDATE todos SET done = ? WHERE id = ?", true, id)
	n, _ := res.RowsAffected()
	fmt.Println("updated", n)
	// Output:
	// 1 milk
	// updated 1
}

// sqliteHost is a native host that says its engine, as dbtest's DB does.
type sqliteHost struct{ cannedHost }

func (sqliteHost) Engine() string { return db.SQLite }

// Engine says which engine keeps the app's data, from package
// initialisation on: pick the SQL dialect (bun's, or an app's own
// spelling) from it once.
func ExampleEngine() {
	db.SetNativeHost(sqliteHost{}) // inside the host, the host says
	defer db.SetNativeHost(nil)

	like := "ILIKE" // PostgreSQL's case-insensitive LIKE
	if db.Engine() == db.SQLite {
		like = "LIKE" // SQLite's LIKE ignores ASCII case already
	}
	fmt.Println(db.Engine(), "SELECT title FROM articles WHERE title "+like+" ?")
	// Output:
	// sqlite SELECT title FROM articles WHERE title LIKE ?
}

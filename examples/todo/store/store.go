// Package store is the todo app's data layer: the Todo model, the bun
// database over sandkit's database/sql driver, and JSON helpers that do not
// use reflection on the hot path.
package store

import (
	"strconv"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

// Todo is one row of the todos table (migrations/0001_create_todos.up.sql).
type Todo struct {
	bun.BaseModel `bun:"table:todos"`

	ID        int64     `bun:"id,pk,autoincrement" json:"id"`
	Title     string    `bun:"title,notnull" json:"title"`
	Done      bool      `bun:"done,notnull" json:"done"`
	CreatedAt time.Time `bun:"created_at,nullzero,notnull,default:current_timestamp" json:"created_at"`
}

// DB is the app's database through bun. One value serves every request.
var DB = bun.NewDB(db.Open(), sqlitedialect.New())

// AppendJSON appends t as a JSON object, without reflection.
func AppendJSON(b []byte, t *Todo) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, t.ID, 10)
	b = append(b, `,"title":`...)
	b = strconv.AppendQuote(b, t.Title)
	b = append(b, `,"done":`...)
	b = strconv.AppendBool(b, t.Done)
	b = append(b, `,"created_at":"`...)
	b = t.CreatedAt.UTC().AppendFormat(b, time.RFC3339)
	return append(b, `"}`...)
}

// JSON answers t as JSON with status.
func JSON(status int, t *Todo) sandkit.Response {
	return sandkit.RawJSON(status, AppendJSON(make([]byte, 0, 128), t))
}

// Fail answers a JSON error.
func Fail(status int, msg string) sandkit.Response {
	b := append([]byte(`{"error":`), strconv.Quote(msg)...)
	return sandkit.RawJSON(status, append(b, '}'))
}

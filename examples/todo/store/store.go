// Package store is the todo app's data layer: the Todo model, the bun
// database over sandkit's database/sql driver, and JSON helpers that do not
// use reflection on the hot path (sandkit.JSONBuilder).
package store

import (
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

// WriteJSON writes t to j as a JSON object, without reflection.
func WriteJSON(j *sandkit.JSONBuilder, t *Todo) {
	j.Object()
	j.Key("id").Int(t.ID)
	j.Key("title").String(t.Title)
	j.Key("done").Bool(t.Done)
	j.Key("created_at").Time(t.CreatedAt)
	j.EndObject()
}

// JSON answers t as JSON with status.
func JSON(status int, t *Todo) sandkit.Response {
	var j sandkit.JSONBuilder
	j.Grow(128)
	WriteJSON(&j, t)
	return sandkit.RawJSON(status, j.Bytes())
}

// Fail answers a JSON error: {"error": msg}.
func Fail(status int, msg string) sandkit.Response {
	var j sandkit.JSONBuilder
	j.Object().Key("error").String(msg).EndObject()
	return sandkit.RawJSON(status, j.Bytes())
}

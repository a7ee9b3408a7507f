// The route api/engine: the database engine as the guest learns it, and a
// bun insert and select in the dialect picked from it when the module
// initialised.
package engine

import (
	"context"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/schema"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

// atInit is the engine as the module's initialisation saw it.
var atInit = db.Engine()

var bundb = bun.NewDB(db.Open(), dialect())

func dialect() schema.Dialect {
	if db.Engine() == db.Postgres {
		return pgdialect.New()
	}
	return sqlitedialect.New()
}

// Note is a row of notes.
type Note struct {
	bun.BaseModel `bun:"table:notes"`
	ID            int64     `bun:"id,pk,autoincrement" json:"id"`
	Body          string    `bun:"body" json:"body"`
	Made          time.Time `bun:"made" json:"made"`
}

// Post inserts a note with bun (RETURNING on PostgreSQL, the rowid on
// SQLite) and reads every note back; it answers the engine three ways.
func Post(r *sandkit.Request) sandkit.Response {
	ctx := context.Background()
	n := &Note{Body: r.QueryValue("body"), Made: time.Date(2026, 12, 2, 19, 0, 0, 0, time.UTC)}
	if _, err := bundb.NewInsert().Model(n).Exec(ctx); err != nil {
		return sandkit.JSON(500, map[string]string{"error": err.Error()})
	}
	var notes []Note
	if err := bundb.NewSelect().Model(&notes).Order("id").Scan(ctx); err != nil {
		return sandkit.JSON(500, map[string]string{"error": err.Error()})
	}
	env, _ := sandkit.Env("SANDKIT_DATABASE_ENGINE")
	return sandkit.JSON(200, map[string]any{
		"init":    atInit,
		"request": db.Engine(),
		"envget":  env,
		"dialect": bundb.Dialect().Name().String(),
		"id":      n.ID,
		"notes":   notes,
	})
}

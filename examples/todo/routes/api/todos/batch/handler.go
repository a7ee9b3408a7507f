// The route api/todos/batch: create several todos all or nothing, in one
// transaction (bun's RunInTx over database/sql's BeginTx).
package batch

import (
	"context"
	"encoding/json"

	"github.com/uptrace/bun"

	"example.com/todo/store"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

// Post creates every todo of {"titles": [...]} or, if one fails, none.
func Post(r *sandkit.Request) sandkit.Response {
	body, err := r.ReadBody()
	if err != nil {
		return store.Fail(400, err.Error())
	}
	var in struct {
		Titles []string `json:"titles"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return store.Fail(400, `want {"titles": ["...", ...]}`)
	}
	for _, title := range in.Titles {
		if msg := store.TitleProblem(title); msg != "" {
			return store.Fail(400, msg)
		}
	}
	var failed string
	err = store.DB.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		for _, title := range in.Titles {
			if _, err := tx.NewInsert().Model(&store.Todo{Title: title}).Exec(ctx); err != nil {
				failed = title
				return err
			}
		}
		return nil
	})
	switch {
	case db.IsUnique(err):
		return store.Fail(409, "a todo titled \""+failed+"\" already exists; none of the batch was created")
	case err != nil:
		return store.Fail(500, err.Error())
	}
	var j sandkit.JSONBuilder
	j.Object().Key("created").Int(int64(len(in.Titles))).EndObject()
	return sandkit.RawJSON(201, j.Bytes())
}

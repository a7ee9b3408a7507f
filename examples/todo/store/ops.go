package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

// List answers the todos in id order as a JSON array; done, if not empty,
// filters on "true" or "false". The host makes the JSON (db.QueryJSON): the
// handler passes it through without decoding a row, the fastest path.
func List(done string) sandkit.Response {
	q, args := "SELECT id, title, done, created_at FROM todos ORDER BY id", []any(nil)
	if done != "" {
		d, err := strconv.ParseBool(done)
		if err != nil {
			return Fail(400, "done must be true or false")
		}
		q, args = "SELECT id, title, done, created_at FROM todos WHERE done = ? ORDER BY id", []any{d}
	}
	b, err := db.QueryJSON(q, args...)
	if err != nil {
		return Fail(500, err.Error())
	}
	return sandkit.RawJSON(200, b)
}

// Create inserts a todo titled title with bun. On failure ok is false and
// resp says why: 409 for a duplicate title, 400 for one the schema refuses
// or one holding a NUL character (bun refuses to write those).
func Create(title string) (t *Todo, resp sandkit.Response, ok bool) {
	if msg := TitleProblem(title); msg != "" {
		return nil, Fail(400, msg), false
	}
	t = &Todo{Title: title}
	if _, err := DB.NewInsert().Model(t).Returning("*").Exec(context.Background()); err != nil {
		switch {
		case db.IsUnique(err):
			return nil, Fail(409, "a todo titled \""+title+"\" already exists"), false
		case db.IsConstraint(err):
			return nil, Fail(400, "invalid todo: "+err.Error()), false
		}
		return nil, Fail(500, err.Error()), false
	}
	return t, sandkit.Response{}, true
}

// TitleProblem says why title cannot be stored, or returns "": bun refuses
// strings holding a NUL character.
func TitleProblem(title string) string {
	if strings.ContainsRune(title, 0) {
		return "a title cannot contain a NUL character"
	}
	return ""
}

// Load reads the todo whose id is the route parameter "id". On failure ok
// is false and resp says why (400, 404).
func Load(r *sandkit.Request) (t *Todo, resp sandkit.Response, ok bool) {
	id, err := strconv.ParseInt(r.Param("id"), 10, 64)
	if err != nil {
		return nil, Fail(400, "id must be a number"), false
	}
	t = &Todo{}
	err = DB.NewSelect().Model(t).Where("id = ?", id).Scan(context.Background())
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, Fail(404, "no todo "+strconv.FormatInt(id, 10)), false
	case err != nil:
		return nil, Fail(500, err.Error()), false
	}
	return t, sandkit.Response{}, true
}

// Get answers the todo whose id is the route parameter "id" as JSON, or
// why it cannot (400, 404).
func Get(r *sandkit.Request) sandkit.Response {
	t, resp, ok := Load(r)
	if !ok {
		return resp
	}
	return JSON(200, t)
}

// Update writes columns of t (bun's column names) and answers t as JSON;
// a title another todo has is a 409.
func Update(t *Todo, columns ...string) sandkit.Response {
	if msg := TitleProblem(t.Title); msg != "" {
		return Fail(400, msg)
	}
	if _, err := DB.NewUpdate().Model(t).Column(columns...).WherePK().Exec(context.Background()); err != nil {
		if db.IsUnique(err) {
			return Fail(409, "a todo titled \""+t.Title+"\" already exists")
		}
		return Fail(500, err.Error())
	}
	return JSON(200, t)
}

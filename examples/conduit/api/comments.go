package api

import (
	"strconv"
	"time"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

// Comment is the spec's Comment.
type Comment struct {
	ID        int64   `json:"id"`
	CreatedAt Time    `json:"createdAt"`
	UpdatedAt Time    `json:"updatedAt"`
	Body      string  `json:"body"`
	Author    Profile `json:"author"`
}

const maxComment = 16 << 10

// queryComments reads comments as v sees them; tail's arguments follow
// the viewer's id.
func queryComments(v Viewer, tail string, args ...any) ([]Comment, error) {
	rows, err := db.Query(`SELECT c.id, c.created_at, c.updated_at, c.body, u.username, u.bio, u.image,
		EXISTS (SELECT 1 FROM follows fo WHERE fo.follower_id = ? AND fo.followee_id = c.author_id)
		FROM comments c JOIN users u ON u.id = c.author_id `+tail, append([]any{v.ID}, args...)...)
	if err != nil {
		return nil, err
	}
	list := make([]Comment, 0, rows.Len())
	for rows.Next() {
		var c Comment
		if err := rows.Scan(&c.ID, (*time.Time)(&c.CreatedAt), (*time.Time)(&c.UpdatedAt), &c.Body,
			&c.Author.Username, &c.Author.Bio, &c.Author.Image, &c.Author.Following); err != nil {
			return nil, err
		}
		list = append(list, c)
	}
	return list, rows.Err()
}

// articleID reads the id of the article of the route's {slug}.
func articleID(r *sandkit.Request) (int64, error) {
	rows, err := db.Query("SELECT id FROM articles WHERE slug = ?", r.Param("slug"))
	if err != nil {
		return 0, err
	}
	if !rows.Next() {
		return 0, notFound("no article " + strconv.Quote(r.Param("slug")))
	}
	return rows.Int64(0), nil
}

// ListComments answers the comments on {slug}, the most recent first.
func ListComments(r *sandkit.Request, v Viewer) sandkit.Response {
	id, err := articleID(r)
	if err != nil {
		return answer(r, err)
	}
	list, err := queryComments(v, "WHERE c.article_id = ? ORDER BY c.created_at DESC, c.id DESC", id)
	if err != nil {
		return Internal(r, err)
	}
	return sandkit.JSON(200, struct {
		Comments []Comment `json:"comments"`
	}{list})
}

// AddComment adds {"comment":{"body"}} by v to {slug}.
func AddComment(r *sandkit.Request, v Viewer) sandkit.Response {
	var in struct{ Body string }
	id, err := articleID(r)
	if err == nil {
		err = decode(r, "comment", &in)
	}
	if err == nil {
		err = checkLen("body", in.Body, maxComment)
	}
	var list []Comment
	if err == nil {
		t := now()
		var rows *db.Rows
		rows, err = db.Query(`INSERT INTO comments (article_id, author_id, body, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, id, v.ID, in.Body, t, t)
		if err == nil && rows.Next() {
			list, err = queryComments(v, "WHERE c.id = ?", rows.Int64(0))
		}
	}
	if err == nil && len(list) != 1 {
		err = notFound("the new comment is gone")
	}
	if err != nil {
		return answer(r, err)
	}
	return sandkit.JSON(200, struct {
		Comment Comment `json:"comment"`
	}{list[0]})
}

// DeleteComment deletes comment {id} of {slug}, if v wrote it.
func DeleteComment(r *sandkit.Request, v Viewer) sandkit.Response {
	article, err := articleID(r)
	if err != nil {
		return answer(r, err)
	}
	id, _ := strconv.ParseInt(r.Param("id"), 10, 64)
	rows, err := db.Query("SELECT author_id FROM comments WHERE id = ? AND article_id = ?", id, article)
	switch {
	case err != nil:
		return Internal(r, err)
	case !rows.Next():
		return Fail(404, "no comment "+strconv.Quote(r.Param("id"))+" on this article")
	case rows.Int64(0) != v.ID:
		return answer(r, errForbidden)
	}
	if _, err := db.Exec("DELETE FROM comments WHERE id = ?", id); err != nil {
		return Internal(r, err)
	}
	return sandkit.Empty(204)
}

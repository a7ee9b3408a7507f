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

// articleID reads the id of the article slug.
func articleID(slug string) (int64, error) {
	rows, err := db.Query("SELECT id FROM articles WHERE slug = ?", slug)
	if err != nil {
		return 0, err
	}
	if !rows.Next() {
		return 0, notFound("no article " + strconv.Quote(slug))
	}
	return rows.Int64(0), nil
}

// ListComments answers the comments on {slug}, the most recent first.
func ListComments(r *sandkit.Request, v Viewer) sandkit.Response {
	list, err := Comments(v, r.Param("slug"))
	if err != nil {
		return answer(r, err)
	}
	return sandkit.JSON(200, struct {
		Comments []Comment `json:"comments"`
	}{list})
}

// Comments reads the comments on the article slug as v sees them, the
// most recent first.
func Comments(v Viewer, slug string) ([]Comment, error) {
	id, err := articleID(slug)
	if err != nil {
		return nil, err
	}
	return queryComments(v, "WHERE c.article_id = ? ORDER BY c.created_at DESC, c.id DESC", id)
}

// AddComment adds {"comment":{"body"}} by v to {slug}.
func AddComment(r *sandkit.Request, v Viewer) sandkit.Response {
	var in struct{ Body string }
	_, err := articleID(r.Param("slug"))
	if err == nil {
		err = decode(r, "comment", &in)
	}
	var c Comment
	if err == nil {
		c, err = NewComment(v, r.Param("slug"), in.Body)
	}
	if err != nil {
		return answer(r, err)
	}
	return sandkit.JSON(200, struct {
		Comment Comment `json:"comment"`
	}{c})
}

// NewComment adds a comment by v with body to the article slug.
func NewComment(v Viewer, slug, body string) (Comment, error) {
	id, err := articleID(slug)
	if err != nil {
		return Comment{}, err
	}
	if err := checkLen("body", body, maxComment); err != nil {
		return Comment{}, err
	}
	t := now()
	rows, err := db.Query(`INSERT INTO comments (article_id, author_id, body, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, id, v.ID, body, t, t)
	if err != nil {
		return Comment{}, err
	}
	var list []Comment
	if rows.Next() {
		list, err = queryComments(v, "WHERE c.id = ?", rows.Int64(0))
	}
	if err == nil && len(list) != 1 {
		err = notFound("the new comment is gone")
	}
	if err != nil {
		return Comment{}, err
	}
	return list[0], nil
}

// DeleteComment deletes comment {id} of {slug}, if v wrote it.
func DeleteComment(r *sandkit.Request, v Viewer) sandkit.Response {
	id, _ := strconv.ParseInt(r.Param("id"), 10, 64)
	if err := RemoveComment(v, r.Param("slug"), id); err != nil {
		return answer(r, err)
	}
	return sandkit.Empty(204)
}

// RemoveComment deletes comment id of the article slug, if v wrote it
// (else ErrForbidden).
func RemoveComment(v Viewer, slug string, id int64) error {
	article, err := articleID(slug)
	if err != nil {
		return err
	}
	rows, err := db.Query("SELECT author_id FROM comments WHERE id = ? AND article_id = ?", id, article)
	switch {
	case err != nil:
		return err
	case !rows.Next():
		return notFound("no comment " + strconv.Quote(strconv.FormatInt(id, 10)) + " on this article")
	case rows.Int64(0) != v.ID:
		return ErrForbidden
	}
	_, err = db.Exec("DELETE FROM comments WHERE id = ?", id)
	return err
}

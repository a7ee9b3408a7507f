package api

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

// Article is the spec's Article. Lists leave Body out (the spec's
// MultipleArticlesResponse has none); a single article always has one,
// since a body cannot be blank.
type Article struct {
	id             int64
	authorID       int64
	Slug           string   `json:"slug"`
	Title          string   `json:"title"`
	Description    string   `json:"description"`
	Body           string   `json:"body,omitempty"`
	TagList        []string `json:"tagList"`
	CreatedAt      Time     `json:"createdAt"`
	UpdatedAt      Time     `json:"updatedAt"`
	Favorited      bool     `json:"favorited"`
	FavoritesCount int64    `json:"favoritesCount"`
	Author         Profile  `json:"author"`
}

// Limits of what an article may hold.
const (
	maxTitle       = 200
	maxDescription = 1000
	maxBody        = 256 << 10
	maxTags        = 20
	maxTag         = 64
	maxLimit       = 100
)

// articleSelect reads articles as a viewer sees them; its two ? are the
// viewer's id. The body column is the empty string in lists.
const articleSelect = `SELECT a.id, a.author_id, a.slug, a.title, a.description, %BODY%, a.created_at, a.updated_at,
	u.username, u.bio, u.image,
	(SELECT COUNT(*) FROM favorites f WHERE f.article_id = a.id),
	EXISTS (SELECT 1 FROM favorites f WHERE f.article_id = a.id AND f.user_id = ?),
	EXISTS (SELECT 1 FROM follows fo WHERE fo.follower_id = ? AND fo.followee_id = a.author_id)
FROM articles a JOIN users u ON u.id = a.author_id`

var (
	selectOne  = strings.Replace(articleSelect, "%BODY%", "a.body", 1)
	selectMany = strings.Replace(articleSelect, "%BODY%", "''", 1)
)

// queryArticles runs selectOne or selectMany with a tail (WHERE, ORDER,
// LIMIT) and its arguments, and fills in each article's tags.
func queryArticles(v Viewer, sel, tail string, args ...any) ([]Article, error) {
	rows, err := db.Query(sel+" "+tail, append([]any{v.ID, v.ID}, args...)...)
	if err != nil {
		return nil, err
	}
	list := make([]Article, 0, rows.Len())
	for rows.Next() {
		var a Article
		if err := rows.Scan(&a.id, &a.authorID, &a.Slug, &a.Title, &a.Description, &a.Body,
			(*time.Time)(&a.CreatedAt), (*time.Time)(&a.UpdatedAt),
			&a.Author.Username, &a.Author.Bio, &a.Author.Image,
			&a.FavoritesCount, &a.Favorited, &a.Author.Following); err != nil {
			return nil, err
		}
		a.TagList = []string{}
		list = append(list, a)
	}
	if len(list) == 0 {
		return list, rows.Err()
	}
	// The tags of every article listed, in one query.
	ids := make([]any, len(list))
	for i, a := range list {
		ids[i] = a.id
	}
	rows, err = db.Query("SELECT article_id, tag FROM article_tags WHERE article_id IN (?"+
		strings.Repeat(", ?", len(ids)-1)+")", ids...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		id, tag := rows.Int64(0), rows.Text(1)
		for i := range list {
			if list[i].id == id {
				list[i].TagList = append(list[i].TagList, tag)
			}
		}
	}
	// Sorted here, not by ORDER BY: PostgreSQL's collation may differ
	// from SQLite's byte order.
	for _, a := range list {
		slices.Sort(a.TagList)
	}
	return list, rows.Err()
}

// loadArticle reads the article of the route's {slug} as v sees it.
func loadArticle(r *sandkit.Request, v Viewer) (*Article, error) {
	return ArticleBySlug(v, r.Param("slug"))
}

// ArticleBySlug reads the article slug as v sees it, its body included; a
// NotFound error if there is none.
func ArticleBySlug(v Viewer, slug string) (*Article, error) {
	list, err := queryArticles(v, selectOne, "WHERE a.slug = ?", slug)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, notFound("no article " + strconv.Quote(slug))
	}
	return &list[0], nil
}

func articleJSON(status int, a *Article) sandkit.Response {
	return sandkit.JSON(status, struct {
		Article *Article `json:"article"`
	}{a})
}

// page reads ?limit= (default 20, at most 100) and ?offset=.
func page(r *sandkit.Request) (limit, offset int, err error) {
	limit = 20
	if s := r.QueryValue("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > maxLimit {
			return 0, 0, invalid("limit must be a number from 1 to " + strconv.Itoa(maxLimit))
		}
	}
	if s := r.QueryValue("offset"); s != "" {
		if offset, err = strconv.Atoi(s); err != nil || offset < 0 {
			return 0, 0, invalid("offset must be a number from 0")
		}
	}
	return limit, offset, nil
}

// listArticles answers the articles the conditions (joined with AND)
// select, most recent first, a page of them with the count of all.
func listArticles(r *sandkit.Request, v Viewer, conds []string, args []any) sandkit.Response {
	limit, offset, err := page(r)
	if err != nil {
		return answer(r, err)
	}
	list, err := articlesWhere(v, conds, args, limit, offset)
	if err != nil {
		return Internal(r, err)
	}
	return sandkit.JSON(200, list)
}

// ArticleList is a page of articles and the count of all that match: the
// spec's MultipleArticlesResponse.
type ArticleList struct {
	Articles      []Article `json:"articles"`
	ArticlesCount int64     `json:"articlesCount"`
}

// articlesWhere reads a page of the articles the conditions (joined with
// AND) select, most recent first, and counts all of them.
func articlesWhere(v Viewer, conds []string, args []any, limit, offset int) (ArticleList, error) {
	where := ""
	if len(conds) > 0 {
		where = "WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := db.Query("SELECT COUNT(*) FROM articles a JOIN users u ON u.id = a.author_id "+where, args...)
	if err != nil {
		return ArticleList{}, err
	}
	rows.Next()
	count := rows.Int64(0)
	list, err := queryArticles(v, selectMany, where+" ORDER BY a.created_at DESC, a.id DESC LIMIT ? OFFSET ?",
		append(args, limit, offset)...)
	return ArticleList{list, count}, err
}

// Filter selects articles: by tag, by author's username, favorited by a
// username (each if not ""), or only those of the users Feed's viewer
// follows.
type Filter struct {
	Tag, Author, Favorited string
	Feed                   bool
}

// Articles reads a page of the articles f selects as v sees them (without
// their bodies), most recent first, limit of them from offset, and the
// count of all.
func Articles(v Viewer, f Filter, limit, offset int) (ArticleList, error) {
	if limit < 1 || limit > maxLimit || offset < 0 {
		return ArticleList{}, invalid("limit must be a number from 1 to " + strconv.Itoa(maxLimit))
	}
	conds, args := f.where(v)
	return articlesWhere(v, conds, args, limit, offset)
}

func (f Filter) where(v Viewer) (conds []string, args []any) {
	if f.Tag != "" {
		conds, args = append(conds, "a.id IN (SELECT t.article_id FROM article_tags t WHERE t.tag = ?)"), append(args, f.Tag)
	}
	if f.Author != "" {
		conds, args = append(conds, "u.username = ?"), append(args, f.Author)
	}
	if f.Favorited != "" {
		conds, args = append(conds, `a.id IN (SELECT f.article_id FROM favorites f
			JOIN users fu ON fu.id = f.user_id WHERE fu.username = ?)`), append(args, f.Favorited)
	}
	if f.Feed {
		conds, args = append(conds, "a.author_id IN (SELECT fo.followee_id FROM follows fo WHERE fo.follower_id = ?)"), append(args, v.ID)
	}
	return conds, args
}

// ListArticles answers GET /api/articles: ?tag=, ?author= and ?favorited=
// (a username) filter; ?limit= and ?offset= page.
func ListArticles(r *sandkit.Request, v Viewer) sandkit.Response {
	conds, args := Filter{Tag: r.QueryValue("tag"), Author: r.QueryValue("author"), Favorited: r.QueryValue("favorited")}.where(v)
	return listArticles(r, v, conds, args)
}

// Feed answers the articles of the users v follows, most recent first.
func Feed(r *sandkit.Request, v Viewer) sandkit.Response {
	conds, args := Filter{Feed: true}.where(v)
	return listArticles(r, v, conds, args)
}

// GetArticle answers the article of {slug}.
func GetArticle(r *sandkit.Request, v Viewer) sandkit.Response {
	a, err := loadArticle(r, v)
	if err != nil {
		return answer(r, err)
	}
	return articleJSON(200, a)
}

// slugify makes the URL name of a title: lower-case ASCII letters and
// digits, runs of anything else as one '-'.
func slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(title) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(c)
			dash = false
			if b.Len() >= 80 {
				break
			}
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "article"
	}
	return b.String()
}

// freeSlug finds a slug for title that no article but id has: the title's,
// or it with -2, -3... appended.
func freeSlug(title string, id int64) (string, error) {
	base := slugify(title)
	for n := 1; ; n++ {
		slug := base
		if n > 1 {
			slug += "-" + strconv.Itoa(n)
		}
		rows, err := db.Query("SELECT 1 FROM articles WHERE slug = ? AND id <> ?", slug, id)
		if err != nil {
			return "", err
		}
		if rows.Len() == 0 {
			return slug, nil
		}
		if n == 100 {
			return "", invalid("title: too many articles have this title")
		}
	}
}

// checkArticle checks the fields every article must have.
func checkArticle(title, description, body string) error {
	if err := checkLen("title", title, maxTitle); err != nil {
		return err
	}
	if err := checkLen("description", description, maxDescription); err != nil {
		return err
	}
	return checkLen("body", body, maxBody)
}

// cleanTags trims tags, drops empty ones and duplicates, and checks the
// limits.
func cleanTags(tags []string) ([]string, error) {
	var out []string
	for _, t := range tags {
		t = strings.TrimSpace(t)
		if t == "" || slices.Contains(out, t) {
			continue
		}
		if len(t) > maxTag {
			return nil, invalid("tagList: a tag is at most " + strconv.Itoa(maxTag) + " bytes")
		}
		out = append(out, t)
	}
	if len(out) > maxTags {
		return nil, invalid("tagList: at most " + strconv.Itoa(maxTags) + " tags")
	}
	return out, nil
}

// CreateArticle creates an article by v from {"article":{"title",
// "description","body","tagList"}}.
func CreateArticle(r *sandkit.Request, v Viewer) sandkit.Response {
	slug, err := createArticle(r, v)
	if err != nil {
		return answer(r, err)
	}
	list, err := queryArticles(v, selectOne, "WHERE a.slug = ?", slug)
	if err != nil || len(list) == 0 {
		return Internal(r, errors.Join(err, errors.New("the new article is gone")))
	}
	return articleJSON(201, &list[0]).WithHeader("Location", "/api/articles/"+slug)
}

// createArticle inserts the article and its tags in one transaction and
// returns its slug.
func createArticle(r *sandkit.Request, v Viewer) (slug string, err error) {
	var in ArticleInput
	if err := decode(r, "article", &in); err != nil {
		return "", err
	}
	return NewArticle(v, in)
}

// ArticleInput is what a new article is made of.
type ArticleInput struct {
	Title, Description, Body string
	TagList                  []string
}

// NewArticle creates an article by v and returns its slug. Input that
// does not fit is an *InputError.
func NewArticle(v Viewer, in ArticleInput) (slug string, err error) {
	if err := checkArticle(in.Title, in.Description, in.Body); err != nil {
		return "", err
	}
	if in.TagList, err = cleanTags(in.TagList); err != nil {
		return "", err
	}
	err = db.InTx(func() error {
		if slug, err = freeSlug(in.Title, 0); err != nil {
			return err
		}
		t := now()
		rows, err := db.Query(`INSERT INTO articles (slug, title, description, body, author_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, slug, in.Title, in.Description, in.Body, v.ID, t, t)
		if err != nil {
			return err
		}
		rows.Next()
		id := rows.Int64(0)
		for _, tag := range in.TagList {
			if _, err := db.Exec("INSERT INTO article_tags (article_id, tag) VALUES (?, ?)", id, tag); err != nil {
				return err
			}
		}
		return nil
	})
	if db.IsUnique(err) {
		// Another request took the slug between freeSlug and the insert
		// (PostgreSQL; SQLite serializes the transactions).
		return "", invalid("title: another article was just given the same slug; try again")
	}
	return slug, err
}

// own loads {slug} and checks that v wrote it.
func own(r *sandkit.Request, v Viewer) (*Article, error) {
	a, err := loadArticle(r, v)
	if err == nil && a.authorID != v.ID {
		err = errForbidden
	}
	return a, err
}

// UpdateArticle changes the fields of {"article":{"title","description",
// "body"}} that are present; a new title gives the article a new slug.
func UpdateArticle(r *sandkit.Request, v Viewer) sandkit.Response {
	if _, err := own(r, v); err != nil {
		return answer(r, err)
	}
	var in ArticleChange
	if err := decode(r, "article", &in); err != nil {
		return answer(r, err)
	}
	id, err := EditArticle(v, r.Param("slug"), in)
	if err != nil {
		return answer(r, err)
	}
	list, err := queryArticles(v, selectOne, "WHERE a.id = ?", id)
	if err != nil || len(list) == 0 {
		return Internal(r, errors.Join(err, errors.New("the article is gone")))
	}
	return articleJSON(200, &list[0])
}

// ArticleChange is a change to an article: the fields that are not nil.
// A new tag list replaces the article's tags.
type ArticleChange struct {
	Title, Description, Body *string
	TagList                  *[]string
}

// EditArticle changes v's article slug (ErrForbidden if another user
// wrote it) and returns its id; a new title gives it a new slug.
func EditArticle(v Viewer, slug string, in ArticleChange) (int64, error) {
	a, err := ArticleBySlug(v, slug)
	if err != nil {
		return 0, err
	}
	if a.authorID != v.ID {
		return 0, ErrForbidden
	}
	if in.Title != nil {
		a.Title = *in.Title
	}
	if in.Description != nil {
		a.Description = *in.Description
	}
	if in.Body != nil {
		a.Body = *in.Body
	}
	if err := checkArticle(a.Title, a.Description, a.Body); err != nil {
		return 0, err
	}
	var tags []string
	if in.TagList != nil {
		if tags, err = cleanTags(*in.TagList); err != nil {
			return 0, err
		}
	}
	err = db.InTx(func() error {
		slug := a.Slug
		if in.Title != nil {
			if slug, err = freeSlug(a.Title, a.id); err != nil {
				return err
			}
		}
		if _, err := db.Exec("UPDATE articles SET slug = ?, title = ?, description = ?, body = ?, updated_at = ? WHERE id = ?",
			slug, a.Title, a.Description, a.Body, now(), a.id); err != nil {
			return err
		}
		if in.TagList == nil {
			return nil
		}
		if _, err := db.Exec("DELETE FROM article_tags WHERE article_id = ?", a.id); err != nil {
			return err
		}
		for _, tag := range tags {
			if _, err := db.Exec("INSERT INTO article_tags (article_id, tag) VALUES (?, ?)", a.id, tag); err != nil {
				return err
			}
		}
		return nil
	})
	if db.IsUnique(err) {
		err = invalid("title: another article was just given the same slug; try again")
	}
	return a.id, err
}

// DeleteArticle deletes {slug}, its comments, tags and favorites.
func DeleteArticle(r *sandkit.Request, v Viewer) sandkit.Response {
	if err := RemoveArticle(v, r.Param("slug")); err != nil {
		return answer(r, err)
	}
	return sandkit.Empty(204)
}

// RemoveArticle deletes v's article slug (ErrForbidden if another user
// wrote it), its comments, tags and favorites.
func RemoveArticle(v Viewer, slug string) error {
	a, err := ArticleBySlug(v, slug)
	if err == nil && a.authorID != v.ID {
		err = ErrForbidden
	}
	if err == nil {
		_, err = db.Exec("DELETE FROM articles WHERE id = ?", a.id)
	}
	return err
}

// Favorite makes {slug} one of v's favorites (or not, with fav false).
func Favorite(r *sandkit.Request, v Viewer, fav bool) sandkit.Response {
	a, err := SetFavorite(v, r.Param("slug"), fav)
	if err != nil {
		return answer(r, err)
	}
	return articleJSON(200, a)
}

// SetFavorite makes slug one of v's favorites (or not, with fav false) and
// returns the article as v now sees it.
func SetFavorite(v Viewer, slug string, fav bool) (*Article, error) {
	a, err := ArticleBySlug(v, slug)
	if err == nil && fav {
		_, err = db.Exec("INSERT INTO favorites (user_id, article_id) VALUES (?, ?) ON CONFLICT DO NOTHING", v.ID, a.id)
	} else if err == nil {
		_, err = db.Exec("DELETE FROM favorites WHERE user_id = ? AND article_id = ?", v.ID, a.id)
	}
	if err == nil {
		a, err = ArticleBySlug(v, slug)
	}
	return a, err
}

// Tags answers every tag in use, the most used first, then in byte order.
func Tags(r *sandkit.Request) sandkit.Response {
	tags, err := TagList()
	if err != nil {
		return Internal(r, err)
	}
	return sandkit.JSON(200, struct {
		Tags []string `json:"tags"`
	}{tags})
}

// TagList returns every tag in use, the most used first, then in byte
// order.
func TagList() ([]string, error) {
	rows, err := db.Query("SELECT tag, COUNT(*) FROM article_tags GROUP BY tag")
	if err != nil {
		return nil, err
	}
	type use struct {
		tag string
		n   int64
	}
	uses := make([]use, 0, rows.Len())
	for rows.Next() {
		uses = append(uses, use{rows.Text(0), rows.Int64(1)})
	}
	slices.SortFunc(uses, func(a, b use) int {
		if a.n != b.n {
			return cmp.Compare(b.n, a.n)
		}
		return strings.Compare(a.tag, b.tag)
	})
	tags := make([]string, len(uses))
	for i, u := range uses {
		tags[i] = u.tag
	}
	return tags, rows.Err()
}

// Wrote reports whether v wrote a.
func Wrote(v Viewer, a *Article) bool { return v.ID != 0 && a.authorID == v.ID }

// SlugOf reads the slug of the article id.
func SlugOf(id int64) (string, error) {
	rows, err := db.Query("SELECT slug FROM articles WHERE id = ?", id)
	if err != nil {
		return "", err
	}
	if !rows.Next() {
		return "", notFound("no such article")
	}
	return rows.Text(0), nil
}

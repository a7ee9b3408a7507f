// The editor for an article its author changes.
package slug

import (
	"example.com/conduit/api"
	"example.com/conduit/web"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
	"sandkit.dev/sandkit/guest-sdk/go/form"
)

// Data is the editor's: the article to edit.
type Data struct {
	Article *api.Article `json:"article"`
}

// Get answers the article, to its author only (403 to anyone else).
func Get(r *sandkit.Request) sandkit.Response {
	return web.Required(func(r *sandkit.Request, s *auth.Session, v api.Viewer) sandkit.Response {
		a, err := api.ArticleBySlug(v, r.Param("slug"))
		if err == nil && !api.Wrote(v, a) {
			err = api.ErrForbidden
		}
		if err != nil {
			return web.Fail(err)
		}
		return sandkit.JSON(200, Data{Article: a})
	})(r)
}

// Post saves the article and shows it.
func Post(r *sandkit.Request) sandkit.Response {
	return web.Required(func(r *sandkit.Request, s *auth.Session, v api.Viewer) sandkit.Response {
		var f web.ArticleForm
		if err := form.Bind(r, &f); err != nil {
			return sandkit.Error(400, err.Error())
		}
		tags := f.TagList()
		id, err := api.EditArticle(v, r.Param("slug"), api.ArticleChange{Title: &f.Title, Description: &f.Description, Body: &f.Body, TagList: &tags})
		if err != nil {
			return web.Refuse(err, form.Values(&f))
		}
		slug, err := api.SlugOf(id)
		if err != nil {
			return web.Fail(err)
		}
		return sandkit.Redirect(303, "/article/"+slug)
	})(r)
}

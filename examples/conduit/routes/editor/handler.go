// The editor for a new article: its POST publishes it.
package editor

import (
	"example.com/conduit/api"
	"example.com/conduit/web"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
	"sandkit.dev/sandkit/guest-sdk/go/form"
)

// Data is the editor's: the article to edit, null for a new one.
type Data struct {
	Article *api.Article `json:"article"`
}

// Get answers an empty editor; a visitor is sent to log in.
func Get(r *sandkit.Request) sandkit.Response {
	return web.Required(func(r *sandkit.Request, s *auth.Session, v api.Viewer) sandkit.Response {
		return sandkit.JSON(200, Data{})
	})(r)
}

// Post publishes the article and shows it.
func Post(r *sandkit.Request) sandkit.Response {
	return web.Required(func(r *sandkit.Request, s *auth.Session, v api.Viewer) sandkit.Response {
		var f web.ArticleForm
		if err := form.Bind(r, &f); err != nil {
			return sandkit.Error(400, err.Error())
		}
		slug, err := api.NewArticle(v, api.ArticleInput{Title: f.Title, Description: f.Description, Body: f.Body, TagList: f.TagList()})
		if err != nil {
			return web.Refuse(err, form.Values(&f))
		}
		return sandkit.Redirect(303, "/article/"+slug)
	})(r)
}

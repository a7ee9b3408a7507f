// The route api/articles: list and create articles.
package articles

import (
	"example.com/conduit/api"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Get lists articles, most recent first: ?tag=, ?author=, ?favorited=,
// ?limit= (default 20) and ?offset=.
func Get(r *sandkit.Request) sandkit.Response {
	return api.Optional(r, func(v api.Viewer) sandkit.Response { return api.ListArticles(r, v) })
}

// Post creates an article: {"article":{"title","description","body","tagList"}}.
func Post(r *sandkit.Request) sandkit.Response {
	return api.Required(r, func(v api.Viewer) sandkit.Response { return api.CreateArticle(r, v) })
}

// The article page: the article with its body rendered from Markdown,
// its comments, and the actions on it (favorite, follow its author,
// comment, delete a comment, delete the article), each a form posted here.
package slug

import (
	"strconv"

	"example.com/conduit/api"
	"example.com/conduit/web"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
	"sandkit.dev/sandkit/guest-sdk/go/form"
)

// Data is the page's: the article, its body as HTML (safe as it is: no
// raw HTML, no javascript: links), its comments, most recent first.
type Data struct {
	Article  *api.Article  `json:"article"`
	BodyHTML string        `json:"bodyHtml"`
	Comments []api.Comment `json:"comments"`
	Mine     bool          `json:"mine"`
}

// Get answers the page's data.
func Get(r *sandkit.Request) sandkit.Response {
	return web.Session(func(r *sandkit.Request, s *auth.Session, v api.Viewer) sandkit.Response {
		slug := r.Param("slug")
		a, err := api.ArticleBySlug(v, slug)
		if err != nil {
			return web.Fail(err)
		}
		d := Data{Article: a, Mine: api.Wrote(v, a)}
		if d.BodyHTML, err = web.Markdown(a.Body); err != nil {
			return web.Fail(err)
		}
		if d.Comments, err = api.Comments(v, slug); err != nil {
			return web.Fail(err)
		}
		return sandkit.JSON(200, d)
	})(r)
}

// Form is what the page's forms post: intent says which one.
type Form struct {
	// Intent is favorite, unfavorite, follow, unfollow, comment,
	// delete-comment or delete.
	Intent  string `form:"intent"`
	Body    string `form:"body"`    // comment
	Comment int64  `form:"comment"` // delete-comment
	// Next is where to go after favorite or unfavorite: the list the
	// button was on (a path on this site), else this page.
	Next string `form:"next"`
}

// Post does what the form's intent says, then shows the page again (or
// next); a visitor is sent to log in first.
func Post(r *sandkit.Request) sandkit.Response {
	return web.Required(func(r *sandkit.Request, s *auth.Session, v api.Viewer) sandkit.Response {
		var f Form
		if err := form.Bind(r, &f); err != nil {
			return sandkit.Error(400, err.Error())
		}
		slug := r.Param("slug")
		back := "/article/" + slug
		var err error
		switch f.Intent {
		case "favorite", "unfavorite":
			_, err = api.SetFavorite(v, slug, f.Intent == "favorite")
			if f.Next != "" {
				back = auth.SafeNext(f.Next)
			}
		case "follow", "unfollow":
			var a *api.Article
			if a, err = api.ArticleBySlug(v, slug); err == nil {
				_, err = api.SetFollow(v, a.Author.Username, f.Intent == "follow")
			}
		case "comment":
			if _, err = api.NewComment(v, slug, f.Body); err != nil {
				return web.Refuse(err, map[string]string{"body": f.Body})
			}
		case "delete-comment":
			err = api.RemoveComment(v, slug, f.Comment)
		case "delete":
			if err = api.RemoveArticle(v, slug); err == nil {
				s.SetFlash("The article is deleted.")
				back = "/"
			}
		default:
			return sandkit.Error(400, "unknown intent "+strconv.Quote(f.Intent))
		}
		if err != nil {
			return web.Fail(err)
		}
		return sandkit.Redirect(303, back)
	})(r)
}

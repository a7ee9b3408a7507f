// The root route: the layout's data (who is signed in, for the nav) and
// the home page's: the global feed or the user's, a tag's articles, the
// popular tags, a page of 20 at a time.
package root

import (
	"example.com/conduit/api"
	"example.com/conduit/web"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
)

// LayoutData is what the layout around every page shows: the signed-in
// user (null for a visitor) and the flash message the last redirect left.
type LayoutData struct {
	User  *web.Me `json:"user"`
	Flash string  `json:"flash"`
}

// Layout answers the layout's data, for every page.
func Layout(r *sandkit.Request) sandkit.Response {
	return auth.WithSession(func(r *sandkit.Request, s *auth.Session) sandkit.Response {
		me, err := web.CurrentUser(s)
		if err != nil {
			return web.Fail(err)
		}
		return sandkit.JSON(200, LayoutData{User: me, Flash: s.Flash()})
	})(r)
}

// Data is the home page's: a page of articles with the count of all, the
// popular tags, and which list is shown.
type Data struct {
	api.ArticleList
	Tags []string `json:"tags"`
	// Feed is "global", "feed" (the users the viewer follows) or "tag".
	Feed string `json:"feed"`
	Tag  string `json:"tag"`
	web.Paging
}

// Get answers the home page's data: ?feed=you for the signed-in user's
// feed (a visitor is sent to log in), ?tag= for a tag, ?page= from 1.
func Get(r *sandkit.Request) sandkit.Response {
	return web.Session(func(r *sandkit.Request, s *auth.Session, v api.Viewer) sandkit.Response {
		d := Data{Feed: "global", Tag: r.QueryValue("tag")}
		var f api.Filter
		switch {
		case d.Tag != "":
			d.Feed, f.Tag = "tag", d.Tag
		case r.QueryValue("feed") == "you":
			if v.ID == 0 {
				return auth.RedirectToLogin(r, auth.LoginPath)
			}
			d.Feed, f.Feed = "feed", true
		}
		var offset int
		d.Paging, offset = web.PageOf(r)
		var err error
		if d.ArticleList, err = api.Articles(v, f, web.PageSize, offset); err != nil {
			return web.Fail(err)
		}
		if d.Tags, err = api.TagList(); err != nil {
			return web.Fail(err)
		}
		if len(d.Tags) > 20 {
			d.Tags = d.Tags[:20]
		}
		return sandkit.JSON(200, d)
	})(r)
}

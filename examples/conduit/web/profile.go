package web

import (
	"example.com/conduit/api"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
	"sandkit.dev/sandkit/guest-sdk/go/form"
)

// ProfileData is a profile page's: the user, a page of their articles or
// of their favorites, and which.
type ProfileData struct {
	Profile api.Profile `json:"profile"`
	api.ArticleList
	// Tab is "author" (My Articles) or "favorited".
	Tab string `json:"tab"`
	Paging
	Mine bool `json:"mine"`
}

// ProfileGet answers the data of the profile of the route's {username},
// with tab "author" or "favorited".
func ProfileGet(tab string) sandkit.HandlerFunc {
	return Session(func(r *sandkit.Request, s *auth.Session, v api.Viewer) sandkit.Response {
		name := r.Param("username")
		p, err := api.ProfileOf(v, name)
		if err != nil {
			return Fail(err)
		}
		d := ProfileData{Profile: p, Tab: tab}
		f := api.Filter{Author: name}
		if tab == "favorited" {
			f = api.Filter{Favorited: name}
		}
		var offset int
		d.Paging, offset = PageOf(r)
		if d.ArticleList, err = api.Articles(v, f, PageSize, offset); err != nil {
			return Fail(err)
		}
		d.Mine = v.ID != 0 && isUser(v, name)
		return sandkit.JSON(200, d)
	})
}

// isUser reports whether v is the user named name.
func isUser(v api.Viewer, name string) bool {
	u, err := api.UserByID(v.ID)
	return err == nil && u.Username == name
}

// FollowForm is what the follow button posts.
type FollowForm struct {
	Intent string `form:"intent"` // follow or unfollow
}

// ProfilePost follows or unfollows the route's {username}, then shows the
// page again; a visitor is sent to log in.
func ProfilePost(r *sandkit.Request) sandkit.Response {
	return Required(func(r *sandkit.Request, s *auth.Session, v api.Viewer) sandkit.Response {
		var f FollowForm
		if err := form.Bind(r, &f); err != nil {
			return sandkit.Error(400, err.Error())
		}
		if f.Intent != "follow" && f.Intent != "unfollow" {
			return sandkit.Error(400, "intent must be follow or unfollow")
		}
		if _, err := api.SetFollow(v, r.Param("username"), f.Intent == "follow"); err != nil {
			return Fail(err)
		}
		return sandkit.Redirect(303, r.Path())
	})(r)
}

package api

import (
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

// Profile is the spec's Profile: a user as others see them.
type Profile struct {
	Username  string `json:"username"`
	Bio       string `json:"bio"`
	Image     string `json:"image"`
	Following bool   `json:"following"`
}

// loadProfile reads the user named username as v sees them, and the user's id.
func loadProfile(v Viewer, username string) (p Profile, id int64, err error) {
	rows, err := db.Query(`SELECT u.id, u.username, u.bio, u.image,
		EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = ? AND f.followee_id = u.id)
		FROM users u WHERE u.username = ?`, v.ID, username)
	if err != nil {
		return p, 0, err
	}
	if !rows.Next() {
		return p, 0, notFound("no user " + username)
	}
	err = rows.Scan(&id, &p.Username, &p.Bio, &p.Image, &p.Following)
	return p, id, err
}

func profileJSON(p Profile) sandkit.Response {
	return sandkit.JSON(200, struct {
		Profile Profile `json:"profile"`
	}{p})
}

// GetProfile answers the profile of the route's {username}.
func GetProfile(r *sandkit.Request, v Viewer) sandkit.Response {
	p, err := ProfileOf(v, r.Param("username"))
	if err != nil {
		return answer(r, err)
	}
	return profileJSON(p)
}

// ProfileOf reads the user named username as v sees them; a NotFound
// error if there is none.
func ProfileOf(v Viewer, username string) (Profile, error) {
	p, _, err := loadProfile(v, username)
	return p, err
}

// Follow makes v follow (or, with follow false, unfollow) {username}.
func Follow(r *sandkit.Request, v Viewer, follow bool) sandkit.Response {
	p, err := SetFollow(v, r.Param("username"), follow)
	if err != nil {
		return answer(r, err)
	}
	return profileJSON(p)
}

// SetFollow makes v follow (or, with follow false, unfollow) username and
// returns the profile as v now sees it. Following oneself is an
// *InputError.
func SetFollow(v Viewer, username string, follow bool) (Profile, error) {
	p, id, err := loadProfile(v, username)
	switch {
	case err != nil:
		return p, err
	case id == v.ID:
		return p, invalid("you cannot follow yourself")
	case follow:
		_, err = db.Exec("INSERT INTO follows (follower_id, followee_id) VALUES (?, ?) ON CONFLICT DO NOTHING", v.ID, id)
	default:
		_, err = db.Exec("DELETE FROM follows WHERE follower_id = ? AND followee_id = ?", v.ID, id)
	}
	p.Following = follow
	return p, err
}

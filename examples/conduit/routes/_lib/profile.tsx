// A user's profile with its two tabs, My Articles (/profile/{username})
// and Favorited Articles (/profile/{username}/favorites).
import { Link, NavLink, useData } from "sandkit/client";
import { ArticleList, Avatar, FollowButton, type Article, type Profile } from "./parts";

type ProfileData = {
  profile: Profile;
  articles: Article[];
  articlesCount: number;
  tab: "author" | "favorited";
  page: number;
  pageSize: number;
  mine: boolean;
};

export function ProfilePage() {
  const d = useData<ProfileData>();
  const p = d.profile;
  const base = "/profile/" + encodeURIComponent(p.username);
  const here = d.tab === "favorited" ? base + "/favorites" : base;
  return (
    <div className="profile-page">
      <title>{p.username + " — Conduit"}</title>
      <div className="user-info">
        <div className="container">
          <div className="row">
            <div className="col-xs-12 col-md-10 offset-md-1">
              <Avatar src={p.image} className="user-img" />
              <h4>{p.username}</h4>
              {p.bio ? <p>{p.bio}</p> : null}
              {d.mine ? (
                <Link className="btn btn-sm btn-outline-secondary action-btn" to="/settings">Edit Profile Settings</Link>
              ) : (
                <FollowButton profile={p} action={here} />
              )}
            </div>
          </div>
        </div>
      </div>
      <div className="container">
        <div className="row">
          <div className="col-xs-12 col-md-10 offset-md-1">
            <div className="articles-toggle">
              <ul className="nav nav-pills outline-active">
                <li className="nav-item"><NavLink className="nav-link" to={base} end>My Articles</NavLink></li>
                <li className="nav-item"><NavLink className="nav-link" to={base + "/favorites"} end>Favorited Articles</NavLink></li>
              </ul>
            </div>
            <ArticleList articles={d.articles} count={d.articlesCount} page={d.page} pageSize={d.pageSize}
              href={(n) => (n > 1 ? here + "?page=" + n : here)} />
          </div>
        </div>
      </div>
    </div>
  );
}

// GET /: the global feed, the signed-in user's feed (?feed=you), a tag's
// articles (?tag=), with the popular tags; 20 articles a page (?page=).
import { Link, useData, useLayoutData } from "sandkit/client";
import type { Data, LayoutData } from "./+types";
import { ArticleList } from "./_lib/parts";

export default function Home() {
  const d = useData<Data>();
  const signedIn = !!useLayoutData<LayoutData | null>("")?.user;
  const href = (page: number) => {
    const q: string[] = [];
    if (d.feed === "feed") q.push("feed=you");
    if (d.feed === "tag") q.push("tag=" + encodeURIComponent(d.tag));
    if (page > 1) q.push("page=" + page);
    return q.length ? "/?" + q.join("&") : "/";
  };
  return (
    <div className="home-page">
      <title>Home — Conduit</title>
      {signedIn ? null : (
        <div className="banner">
          <div className="container">
            <h1 className="logo-font">conduit</h1>
            <p>A place to share your knowledge.</p>
          </div>
        </div>
      )}
      <div className="container page">
        <div className="row">
          <div className="col-md-9">
            <div className="feed-toggle">
              <ul className="nav nav-pills outline-active">
                {signedIn ? (
                  <li className="nav-item">
                    <Link className={"nav-link" + (d.feed === "feed" ? " active" : "")} to="/?feed=you">Your Feed</Link>
                  </li>
                ) : null}
                <li className="nav-item">
                  <Link className={"nav-link" + (d.feed === "global" ? " active" : "")} to="/">Global Feed</Link>
                </li>
                {d.feed === "tag" ? (
                  <li className="nav-item">
                    <Link className="nav-link active" to={"/?tag=" + encodeURIComponent(d.tag)}># {d.tag}</Link>
                  </li>
                ) : null}
              </ul>
            </div>
            <ArticleList articles={d.articles} count={d.articlesCount} page={d.page} pageSize={d.pageSize} href={href} />
          </div>
          <div className="col-md-3">
            <div className="sidebar">
              <p>Popular Tags</p>
              <div className="tag-list">
                {d.tags.length === 0 ? <span>No tags yet.</span> : null}
                {d.tags.map((t) => (
                  <Link key={t} to={"/?tag=" + encodeURIComponent(t)} className="tag-pill tag-default">{t}</Link>
                ))}
              </div>
            </div>
          </div>
        </div>
      </div>
    </div>
  );
}

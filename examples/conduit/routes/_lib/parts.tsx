// Pieces the pages share: article lists, buttons that post forms, dates,
// refused-form messages, the tag list, the frame of the sign-in and
// sign-up pages.
import type { ReactNode } from "react";
import { Form, Link, useLocation } from "sandkit/client";
import type { FormError } from "sandkit/client";

export type Profile = { username: string; bio: string; image: string; following: boolean };
export type Article = {
  slug: string;
  title: string;
  description: string;
  body?: string;
  tagList: string[];
  createdAt: string;
  updatedAt: string;
  favorited: boolean;
  favoritesCount: number;
  author: Profile;
};
export type Comment = { id: number; createdAt: string; updatedAt: string; body: string; author: Profile };
export type Me = { username: string; email: string; bio: string; image: string };

const months = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];

// formatDate shows an ISO time (2016-02-18T03:22:56.637Z) as "February 18,
// 2016" without Date: a render that reads the clock is not cached, and
// the server and the browser must agree.
export function formatDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${months[Number(m[2]) - 1]} ${Number(m[3])}, ${m[1]}` : iso;
}

// Avatar is a user's picture, or a plain circle when they gave none.
export function Avatar({ src, className }: { src: string; className?: string }) {
  return src ? <img src={src} className={className} alt="" /> : <span className={"avatar-blank " + (className ?? "")} />;
}

// ErrorMessages lists what a refused form's answer says.
export function ErrorMessages({ refused }: { refused?: FormError }) {
  if (!refused) return null;
  const fields = Object.values(refused.error.fields ?? {}).filter((m): m is string => !!m);
  const messages = fields.length ? fields : [refused.error.message];
  return (
    <ul className="error-messages" role="alert">
      {messages.map((m) => <li key={m}>{m}</li>)}
    </ul>
  );
}

// AuthPage is the frame of the sign-in and sign-up pages: the heading,
// the link to the other page, what a refused post said, and the form
// (posted to the page itself) with fields and a submit button named title.
export function AuthPage({ title, other, otherText, refused, children }: {
  title: string;
  other: string;
  otherText: string;
  refused?: FormError;
  children: ReactNode;
}) {
  return (
    <div className="auth-page">
      <title>{title + " — Conduit"}</title>
      <div className="container page">
        <div className="row">
          <div className="col-md-6 offset-md-3 col-xs-12">
            <h1 className="text-xs-center">{title}</h1>
            <p className="text-xs-center"><Link to={other}>{otherText}</Link></p>
            <ErrorMessages refused={refused} />
            <Form method="post">
              {children}
              <button className="btn btn-lg btn-primary pull-xs-right" type="submit">{title}</button>
            </Form>
          </div>
        </div>
      </div>
    </div>
  );
}

// FavoriteButton posts to the article's page; next brings the user back
// to the list the button is on.
export function FavoriteButton({ article, compact }: { article: Article; compact?: boolean }) {
  const here = useLocation();
  const intent = article.favorited ? "unfavorite" : "favorite";
  const cls = "btn btn-sm " + (article.favorited ? "btn-primary" : "btn-outline-primary");
  return (
    <Form method="post" action={"/article/" + article.slug} className={compact ? "favorite pull-xs-right" : "favorite"}>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="next" value={here.pathname + here.search} />
      <button type="submit" className={cls} aria-pressed={article.favorited} title={article.favorited ? "Unfavorite" : "Favorite"}>
        <span className="heart">♥</span>{" "}
        {compact ? article.favoritesCount : <>{article.favorited ? "Unfavorite" : "Favorite"} Article <span className="counter">({article.favoritesCount})</span></>}
      </button>
    </Form>
  );
}

// FollowButton posts follow or unfollow to action (the page it is on).
export function FollowButton({ profile, action }: { profile: Profile; action?: string }) {
  return (
    <Form method="post" action={action} className="follow">
      <input type="hidden" name="intent" value={profile.following ? "unfollow" : "follow"} />
      <button type="submit" className={"btn btn-sm action-btn " + (profile.following ? "btn-secondary" : "btn-outline-secondary")}>
        {profile.following ? "Unfollow" : "Follow"} {profile.username}
      </button>
    </Form>
  );
}

export function TagList({ tags }: { tags: string[] }) {
  return (
    <ul className="tag-list">
      {tags.map((t) => <li key={t} className="tag-default tag-pill tag-outline">{t}</li>)}
    </ul>
  );
}

// ArticleList shows a page of previews and the links to the pages of the
// list (count articles in all, pageSize a page); past the last page, no
// previews but the links back.
export function ArticleList({ articles, count, page, pageSize, href }: {
  articles: Article[];
  count: number;
  page: number;
  pageSize: number;
  href: (page: number) => string;
}) {
  const pages = Math.ceil(count / pageSize);
  return (
    <>
      {articles.length === 0 ? <div className="article-preview">No articles are here... yet.</div> : null}
      {articles.map((a) => (
        <div className="article-preview" key={a.slug}>
          <div className="article-meta">
            <Link to={"/profile/" + a.author.username}><Avatar src={a.author.image} /></Link>
            <div className="info">
              <Link to={"/profile/" + a.author.username} className="author">{a.author.username}</Link>
              <span className="date">{formatDate(a.createdAt)}</span>
            </div>
            <FavoriteButton article={a} compact />
          </div>
          <Link to={"/article/" + a.slug} className="preview-link">
            <h1>{a.title}</h1>
            <p>{a.description}</p>
            <span>Read more...</span>
            <TagList tags={a.tagList} />
          </Link>
        </div>
      ))}
      {pages > 1 || (pages === 1 && page > 1) ? (
        <nav>
          <ul className="pagination">
            {Array.from({ length: pages }, (_, i) => i + 1).map((p) => (
              <li key={p} className={"page-item" + (p === page ? " active" : "")}>
                <Link className="page-link" to={href(p)}>{p}</Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
    </>
  );
}

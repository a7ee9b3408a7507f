// GET /article/{slug}: the article, its body rendered from Markdown on the
// server (handler.go: no raw HTML, no javascript: links), its comments,
// and the forms that act on it.
import { Form, Link, useData, useFormError, useLayoutData } from "sandkit/client";
import type { Data } from "./+types";
import type { LayoutData } from "../../+types";
import { Avatar, ErrorMessages, FavoriteButton, FollowButton, TagList, formatDate, type Article, type Comment } from "../../_lib/parts";

function Meta({ article, mine }: { article: Article; mine: boolean }) {
  const author = article.author;
  return (
    <div className="article-meta">
      <Link to={"/profile/" + author.username}><Avatar src={author.image} /></Link>
      <div className="info">
        <Link to={"/profile/" + author.username} className="author">{author.username}</Link>
        <span className="date">{formatDate(article.createdAt)}</span>
      </div>
      {mine ? (
        <>
          <Link className="btn btn-sm btn-outline-secondary" to={"/editor/" + article.slug}>Edit Article</Link>{" "}
          <Form method="post" className="delete">
            <input type="hidden" name="intent" value="delete" />
            <button type="submit" className="btn btn-sm btn-outline-danger">Delete Article</button>
          </Form>
        </>
      ) : (
        <>
          <FollowButton profile={author} />{" "}
          <FavoriteButton article={article} />
        </>
      )}
    </div>
  );
}

function Comments({ comments, slug }: { comments: Comment[]; slug: string }) {
  const me = useLayoutData<LayoutData | null>("")?.user;
  const refused = useFormError<"body">();
  return (
    <div className="row">
      <div className="col-xs-12 col-md-8 offset-md-2">
        {me ? (
          <>
            <ErrorMessages refused={refused} />
            {/* keyed by the count, so the box empties once a comment is posted */}
            <Form method="post" className="card comment-form" key={comments.length}>
              <input type="hidden" name="intent" value="comment" />
              <div className="card-block">
                <textarea className="form-control" name="body" placeholder="Write a comment..." rows={3}
                  defaultValue={refused?.values?.body ?? ""} />
              </div>
              <div className="card-footer">
                <Avatar src={me.image} className="comment-author-img" />
                <button className="btn btn-sm btn-primary" type="submit">Post Comment</button>
              </div>
            </Form>
          </>
        ) : (
          <p>
            <Link to={"/login?next=" + encodeURIComponent("/article/" + slug)}>Sign in</Link> or{" "}
            <Link to="/register">sign up</Link> to add comments on this article.
          </p>
        )}
        {comments.map((c) => (
          <div className="card" key={c.id}>
            <div className="card-block">
              <p className="card-text">{c.body}</p>
            </div>
            <div className="card-footer">
              <Link to={"/profile/" + c.author.username} className="comment-author">
                <Avatar src={c.author.image} className="comment-author-img" />
              </Link>{" "}
              <Link to={"/profile/" + c.author.username} className="comment-author">{c.author.username}</Link>
              <span className="date-posted">{formatDate(c.createdAt)}</span>
              {me && me.username === c.author.username ? (
                <Form method="post" className="mod-options">
                  <input type="hidden" name="intent" value="delete-comment" />
                  <input type="hidden" name="comment" value={c.id} />
                  <button type="submit" className="btn-link" title="Delete comment">Delete</button>
                </Form>
              ) : null}
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}

export default function ArticlePage() {
  const { article, bodyHtml, comments, mine } = useData<Data>();
  const a = article as Article;
  return (
    <div className="article-page">
      <title>{a.title + " — Conduit"}</title>
      <meta name="description" content={a.description} />
      <div className="banner">
        <div className="container">
          <h1>{a.title}</h1>
          <Meta article={a} mine={mine} />
        </div>
      </div>
      <div className="container page">
        <div className="row article-content">
          <div className="col-md-12">
            {/* HTML from goldmark on the server, which leaves raw HTML out */}
            <div className="article-body" dangerouslySetInnerHTML={{ __html: bodyHtml }} />
            <TagList tags={a.tagList} />
          </div>
        </div>
        <hr />
        <div className="article-actions">
          <Meta article={a} mine={mine} />
        </div>
        <Comments comments={comments as Comment[]} slug={a.slug} />
      </div>
    </div>
  );
}

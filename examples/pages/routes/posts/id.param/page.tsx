import { useData, useParams } from "sandkit/client";
import { post as staticPost, type Post } from "../../_lib/posts";

export default function PostPage() {
  const { id } = useParams();
  if (id === "boom") throw new Error("post boom exploded");
  const post = useData<Post | null>() ?? staticPost(id);
  if (!post) {
    return (
      <>
        <title>No such post · sandkit pages</title>
        <h1>No post {id}</h1>
      </>
    );
  }
  return (
    <article>
      <title>{`${post.title} · sandkit pages`}</title>
      <h1>{post.title}</h1>
      <p>{post.body}</p>
    </article>
  );
}

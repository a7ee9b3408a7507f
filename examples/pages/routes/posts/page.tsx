import { Link, useData } from "sandkit/client";
import { posts as staticPosts, type Post } from "../_lib/posts";

export default function PostsPage() {
  const posts = useData<{ posts: Post[] } | null>()?.posts ?? staticPosts;
  return (
    <>
      <title>Posts · sandkit pages</title>
      <h1>Posts</h1>
      <ul>
        {posts.map((p) => (
          <li key={p.id}>
            <Link to={p.id}>{p.title}</Link>
          </li>
        ))}
      </ul>
    </>
  );
}

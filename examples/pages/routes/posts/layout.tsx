// The posts section: a sidebar around every page under /posts.
import type { ReactNode } from "react";
import { Link } from "sandkit/client";
import { posts } from "../_lib/posts";
import "./posts.css";

export default function PostsLayout({ children }: { children: ReactNode }) {
  return (
    <div className="posts">
      <aside>
        <ul>
          {posts.map((p) => (
            <li key={p.id}>
              <Link to={`/posts/${p.id}`}>{p.title}</Link>
            </li>
          ))}
        </ul>
      </aside>
      <section>{children}</section>
    </div>
  );
}

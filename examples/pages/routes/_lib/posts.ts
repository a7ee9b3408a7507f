// Static props until the host passes handler data to pages: what a
// handler's GET would return.

export interface Post {
  id: string;
  title: string;
  body: string;
}

export const posts: Post[] = [
  { id: "1", title: "Hello, sandkit", body: "Pages are React, rendered in a sandbox." },
  { id: "2", title: "Nested layouts", body: "A folder's layout.tsx wraps every page below it." },
];

export function post(id: string): Post | undefined {
  return posts.find((p) => p.id === id);
}

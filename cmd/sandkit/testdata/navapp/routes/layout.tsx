// The root layout: a nav that knows who is signed in (the layout's loader).
import type { ReactNode } from "react";
import { Form, Link, useLayoutData } from "sandkit/client";
// Generated from handler.go's type LayoutData (sandkit build).
import type { LayoutData } from "./+types";

export function Nav() {
  const { user } = useLayoutData<LayoutData>("") ?? { user: null };
  return (
    <nav>
      <Link to="/">Home</Link> <Link to="/private">Private</Link> <Link to="/counter">Counter</Link>{" "}
      <Link to="/boom">Boom</Link> <Link to="/nowhere">Nowhere</Link>{" "}
      {user ? (
        <>
          <span id="who">signed in as {user}</span>
          <Form method="post" action="/logout">
            <button type="submit">Log out</button>
          </Form>
        </>
      ) : (
        <span id="who">signed out</span>
      )}
    </nav>
  );
}

export default function Layout({ children }: { children: ReactNode }) {
  return (
    <>
      <Nav />
      <main>{children}</main>
    </>
  );
}

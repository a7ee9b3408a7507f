// GET /: who is logged in, and the way in. The page has no loader of its
// own: the layout's data says who is logged in.
import { Link, useLayoutData } from "sandkit/client";
import type { LayoutData } from "./+types";

export default function Home() {
  const user = useLayoutData<LayoutData | null>("")?.user;
  return (
    <>
      <title>Home · auth</title>
      <h1>sandkit auth example</h1>
      {user ? (
        <p>
          Logged in as <strong>{user.email}</strong>. See <Link to="/account">your account</Link>.
        </p>
      ) : (
        <p>
          <Link to="/signup">Sign up</Link> or <Link to="/login">log in</Link>.
        </p>
      )}
    </>
  );
}

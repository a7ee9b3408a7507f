// The page for a URL no route matches, inside the layout (its loader runs
// for it too: the nav still shows who is logged in).
import { Link, useLocation } from "sandkit/client";

export default function NotFound() {
  const { pathname } = useLocation();
  return (
    <>
      <title>Not found · auth</title>
      <h1>Not found</h1>
      <p>
        There is no page at <code>{pathname}</code>. Go <Link to="/">home</Link>.
      </p>
    </>
  );
}

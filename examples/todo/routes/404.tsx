// Shown inside the root layout for a URL no route matches.
import { Link, useLocation } from "sandkit/client";

export default function NotFound() {
  const { pathname } = useLocation();
  return (
    <>
      <title>Not found · todo</title>
      <h1>Not found</h1>
      <p>
        Nothing at <code>{pathname}</code>. <Link to="/">Home</Link>
      </p>
    </>
  );
}

// The page shown when a page's loader fails (a 4xx or 5xx), inside the
// layout, whose nav still shows who is logged in.
import { Link, type RouteError } from "sandkit/client";

export default function ErrorPage({ error }: { error: RouteError }) {
  return (
    <>
      <title>{`Error ${error.status} · auth`}</title>
      <h1>Error {error.status}</h1>
      <p className="error" role="alert">
        {error.message}
      </p>
      <p>
        Go <Link to="/">home</Link>.
      </p>
    </>
  );
}

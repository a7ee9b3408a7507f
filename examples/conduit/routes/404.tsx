// A URL no route matches.
import { Link } from "sandkit/client";

export default function NotFound() {
  return (
    <div className="container page error-page">
      <title>Not found — Conduit</title>
      <h1>Not found</h1>
      <p>There is no page here.</p>
      <p><Link to="/">Back to the home page</Link></p>
    </div>
  );
}

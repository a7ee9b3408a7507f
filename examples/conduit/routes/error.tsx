// The error page: a loader's 403, 404 or 500, or a page that threw.
import { Link } from "sandkit/client";

export default function ErrorPage({ error }: { error: { status: number; message: string } }) {
  return (
    <div className="container page error-page">
      <title>{error.status + " — Conduit"}</title>
      <h1>{error.status === 404 ? "Not found" : error.status === 403 ? "Not yours" : "Something went wrong"}</h1>
      <p>{error.message}</p>
      <p><Link to="/">Back to the home page</Link></p>
    </div>
  );
}

// Shown inside the root layout when a page below fails: it threw, or its
// handler answered an error (a missing todo is a 404).
import { Link, useError } from "sandkit/client";

export default function ErrorPage() {
  const error = useError();
  return (
    <>
      <title>Error · todo</title>
      <h1>{error.status === 404 ? "Not found" : "Something went wrong"}</h1>
      <p className="error">{error.message}</p>
      <p>
        <Link to="/todos">Back to the list</Link>
      </p>
    </>
  );
}

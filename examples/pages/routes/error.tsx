// Shown inside the root layout when a page below throws.
import type { RouteError } from "sandkit/client";

export default function ErrorPage({ error }: { error: RouteError }) {
  return (
    <>
      <title>Error · sandkit pages</title>
      <h1>Something went wrong</h1>
      <p className="error">{error?.message ?? "unknown error"}</p>
    </>
  );
}

import type { RouteError } from "sandkit/client";

export default function ErrorPage({ error }: { error: RouteError }) {
  return (
    <>
      <h1>Error {error.status}</h1>
      <p id="message">{error.message}</p>
    </>
  );
}

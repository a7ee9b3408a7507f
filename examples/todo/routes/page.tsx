// GET /: a page without a handler (no data).
import { Link } from "sandkit/client";

export default function Home() {
  return (
    <>
      <title>Home · todo</title>
      <h1>Todo</h1>
      <p>
        Every page here is rendered on the server inside the WebAssembly sandbox, then hydrated.
        See the <Link to="/todos">todo list</Link>.
      </p>
    </>
  );
}

// GET /: shows the handler's data.
import { useData } from "sandkit/client";
import type { Data } from "./+types";

export default function Home() {
  const data = useData<Data>();
  return (
    <>
      <h1 id="title">page v1</h1>
      <p id="message">{data.message}</p>
      <p id="greeting">{data.greeting}</p>
      <p id="notes">notes: {data.notes}</p>
    </>
  );
}

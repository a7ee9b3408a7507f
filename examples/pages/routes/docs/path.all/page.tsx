import { useParams } from "sandkit/client";

export default function Doc() {
  const { path } = useParams();
  return (
    <>
      <title>{`Docs: ${path || "index"} · sandkit pages`}</title>
      <h1>Docs</h1>
      <p>Page: {path || "(index)"}</p>
    </>
  );
}

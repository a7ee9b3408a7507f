import { useData } from "sandkit/client";

export default function Private() {
  const { secret } = useData<{ secret: string }>();
  return (
    <>
      <h1>Private</h1>
      <p id="secret">{secret}</p>
    </>
  );
}

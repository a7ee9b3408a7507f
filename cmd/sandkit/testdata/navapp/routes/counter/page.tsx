import { useData, useFetcher } from "sandkit/client";

export default function Counter() {
  const { count } = useData<{ count: number }>();
  const fetcher = useFetcher<{ count: number }>();
  return (
    <>
      <h1>Counter</h1>
      <p id="count">{count}</p>
      <p id="fetched">{fetcher.data ? `fetcher saw ${fetcher.data.count}` : "fetcher idle"}</p>
      <p id="fetcher-state">{fetcher.state}</p>
      <fetcher.Form method="post">
        <button type="submit">Add one</button>
      </fetcher.Form>
    </>
  );
}

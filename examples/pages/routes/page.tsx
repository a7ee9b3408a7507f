import { Link, useData } from "sandkit/client";

interface Home {
  greeting: string;
}

export default function HomePage() {
  const data = useData<Home | null>();
  return (
    <>
      <title>Home · sandkit pages</title>
      <meta name="description" content="A sandkit example app" />
      <h1>{data?.greeting ?? "Welcome"}</h1>
      <p>
        Read the <Link to="/posts">posts</Link>.
      </p>
    </>
  );
}

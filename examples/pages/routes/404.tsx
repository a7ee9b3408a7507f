import { Link, useLocation } from "sandkit/client";

export default function NotFound() {
  const { pathname } = useLocation();
  return (
    <>
      <title>Not found · sandkit pages</title>
      <h1>Not found</h1>
      <p>
        Nothing at <code>{pathname}</code>. <Link to="/">Home</Link>
      </p>
    </>
  );
}

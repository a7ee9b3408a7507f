// GET /: who is logged in, and the way in or out.
import { Link, useData } from "sandkit/client";
import type { Data } from "./+types"; // generated from handler.go's type Data
import { Flash, LogoutForm } from "./_lib/parts";

export default function Home() {
  const { user, flash } = useData<Data | null>() ?? { user: null, flash: "" };
  return (
    <>
      <title>Home · auth</title>
      <Flash message={flash} />
      <h1>sandkit auth example</h1>
      {user ? (
        <>
          <p>
            Logged in as <strong className="who">{user.email}</strong>. See <Link to="/account">your account</Link>.
          </p>
          <LogoutForm />
        </>
      ) : (
        <p>
          <Link to="/signup">Sign up</Link> or <Link to="/login">log in</Link>.
        </p>
      )}
    </>
  );
}

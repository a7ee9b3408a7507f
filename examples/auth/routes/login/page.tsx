// GET /login: the log-in form. ?next= is where to go once logged in (a
// path on this site only: the handler checks).
import { Form, Link, useActionData, useData } from "sandkit/client";
import type { Data } from "./+types";
import { Flash, type FormError } from "../_lib/parts";

export default function LogIn() {
  const { flash, next, user } = useData<Data | null>() ?? { flash: "", next: "/", user: null };
  const refused = useActionData<FormError>();
  return (
    <>
      <title>Log in · auth</title>
      <Flash message={flash} />
      <h1>Log in</h1>
      {user ? <p>You are logged in as {user.email}.</p> : null}
      {refused ? <p className="error" role="alert">{refused.error.message}</p> : null}
      <Form method="post" className="stack">
        <input type="hidden" name="next" value={next} />
        <label>
          Email
          <input name="email" type="email" autoComplete="email" defaultValue={refused?.values?.email ?? ""} required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit">Log in</button>
      </Form>
      <p>
        No account yet? <Link to="/signup">Sign up</Link>.
      </p>
    </>
  );
}

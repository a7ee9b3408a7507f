// GET /login: the log-in form. ?next= is where to go once logged in (a
// path on this site only: the handler checks).
import { Form, Link, useData, useFormError } from "sandkit/client";
import type { Data } from "./+types";

export default function LogIn() {
  const { next } = useData<Data>();
  const refused = useFormError<"email">();
  return (
    <>
      <title>Log in · auth</title>
      <h1>Log in</h1>
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

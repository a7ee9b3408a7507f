// GET /account: only for users who logged in (the handler redirects
// anyone else to /login?next=/account).
import { Form, Link, useData, useFormError } from "sandkit/client";
import type { Data } from "./+types";
import { FieldError } from "../_lib/parts";

export default function Account() {
  // null when the page is rendered again for a refused post whose loader
  // could not run (a cross-site post carries no session cookie).
  const user = useData<Data | null>();
  const refused = useFormError<"note">();
  if (!user) {
    return (
      <>
        <title>Account · auth</title>
        {refused ? <p className="error" role="alert">{refused.error.message}</p> : null}
        <p>
          <Link to="/login?next=%2Faccount">Log in</Link> to see your account.
        </p>
      </>
    );
  }
  return (
    <>
      <title>Account · auth</title>
      <h1>Your account</h1>
      {refused ? <p className="error" role="alert">{refused.error.message}</p> : null}
      <p>
        Email: <strong>{user.email}</strong>
      </p>
      <p>
        Note: <span className="note">{user.note || "(none)"}</span>
      </p>
      <Form method="post" className="stack">
        <label>
          Change the note
          <input name="note" defaultValue={refused?.values?.note ?? user.note} />
          <FieldError message={refused?.error.fields?.note} />
        </label>
        <button type="submit">Save</button>
      </Form>
    </>
  );
}

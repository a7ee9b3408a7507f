// GET /account: only for users who logged in (the handler redirects
// anyone else to /login?next=/account).
import { Form, useActionData, useData } from "sandkit/client";
import type { Data } from "./+types";
import { FieldError, Flash, LogoutForm, type FormError } from "../_lib/parts";

export default function Account() {
  const { user, flash } = useData<Data>();
  const refused = useActionData<FormError>();
  if (!user) return null; // not reached: the handler redirects first
  return (
    <>
      <title>Account · auth</title>
      <Flash message={flash} />
      <h1>Your account</h1>
      <p>
        Email: <strong className="who">{user.email}</strong>
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
      <LogoutForm />
    </>
  );
}

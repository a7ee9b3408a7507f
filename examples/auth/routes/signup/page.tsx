// GET /signup: the sign-up form. A refused form comes back as action data
// (spec/routing.md §7): the fields' messages and the values to refill.
import { Form, Link, useActionData, useData } from "sandkit/client";
import type { Data } from "./+types";
import { FieldError, Flash, type FormError } from "../_lib/parts";

export default function SignUp() {
  const { flash } = useData<Data | null>() ?? { flash: "" };
  const refused = useActionData<FormError>();
  const fields = refused?.error.fields ?? {};
  return (
    <>
      <title>Sign up · auth</title>
      <Flash message={flash} />
      <h1>Sign up</h1>
      {refused ? <p className="error" role="alert">{refused.error.message}</p> : null}
      <Form method="post" className="stack">
        <label>
          Email
          <input name="email" type="email" autoComplete="email" defaultValue={refused?.values?.email ?? ""} required />
          <FieldError message={fields.email} />
        </label>
        <label>
          Password (8 characters or more)
          <input name="password" type="password" autoComplete="new-password" minLength={8} required />
          <FieldError message={fields.password} />
        </label>
        <button type="submit">Create the account</button>
      </Form>
      <p>
        Have an account? <Link to="/login">Log in</Link>.
      </p>
    </>
  );
}

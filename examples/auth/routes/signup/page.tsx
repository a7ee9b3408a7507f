// GET /signup: the sign-up form. A refused form comes back as action data
// (spec/routing.md §7): the fields' messages and the values to refill.
import { Form, Link, useData, useFormError } from "sandkit/client";
import type { Data } from "./+types";
import { FieldError } from "../_lib/parts";

export default function SignUp() {
  const { minPassword } = useData<Data>();
  const refused = useFormError<"email" | "password">();
  const fields = refused?.error.fields ?? {};
  return (
    <>
      <title>Sign up · auth</title>
      <h1>Sign up</h1>
      {refused ? <p className="error" role="alert">{refused.error.message}</p> : null}
      <Form method="post" className="stack">
        <label>
          Email
          <input name="email" type="email" autoComplete="email" defaultValue={refused?.values?.email ?? ""} required />
          <FieldError message={fields.email} />
        </label>
        <label>
          Password ({minPassword} characters or more)
          <input name="password" type="password" autoComplete="new-password" minLength={minPassword} required />
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

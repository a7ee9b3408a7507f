// GET /login: the sign-in form. ?next= is where to go once signed in.
import { useData, useFormError } from "sandkit/client";
import type { Data } from "./+types";
import { AuthPage } from "../_lib/parts";

export default function SignIn() {
  const { next } = useData<Data | null>() ?? { next: "/" };
  const refused = useFormError<"email" | "password">();
  return (
    <AuthPage title="Sign in" other="/register" otherText="Need an account?" refused={refused}>
      <input type="hidden" name="next" value={next} />
      <fieldset className="form-group">
        <input className="form-control form-control-lg" name="email" type="email" placeholder="Email"
          autoComplete="email" defaultValue={refused?.values?.email ?? ""} required />
      </fieldset>
      <fieldset className="form-group">
        <input className="form-control form-control-lg" name="password" type="password" placeholder="Password"
          autoComplete="current-password" required />
      </fieldset>
    </AuthPage>
  );
}

// GET /register: the sign-up form.
import { useFormError } from "sandkit/client";
import { AuthPage } from "../_lib/parts";

export default function SignUp() {
  const refused = useFormError<"username" | "email" | "password">();
  const field = (name: "username" | "email" | "password") =>
    "form-control form-control-lg" + (refused?.error.fields?.[name] ? " is-invalid" : "");
  return (
    <AuthPage title="Sign up" other="/login" otherText="Have an account?" refused={refused}>
      <fieldset className="form-group">
        <input className={field("username")} name="username" placeholder="Username" autoComplete="username"
          defaultValue={refused?.values?.username ?? ""} required />
      </fieldset>
      <fieldset className="form-group">
        <input className={field("email")} name="email" type="email" placeholder="Email" autoComplete="email"
          defaultValue={refused?.values?.email ?? ""} required />
      </fieldset>
      <fieldset className="form-group">
        <input className={field("password")} name="password" type="password" placeholder="Password"
          autoComplete="new-password" required />
      </fieldset>
    </AuthPage>
  );
}

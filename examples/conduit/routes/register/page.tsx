// GET /register: the sign-up form.
import { Form, Link, useFormError } from "sandkit/client";
import { ErrorMessages } from "../_lib/parts";

export default function SignUp() {
  const refused = useFormError<"username" | "email" | "password">();
  const field = (name: "username" | "email" | "password") =>
    "form-control form-control-lg" + (refused?.error.fields?.[name] ? " is-invalid" : "");
  return (
    <div className="auth-page">
      <title>Sign up — Conduit</title>
      <div className="container page">
        <div className="row">
          <div className="col-md-6 offset-md-3 col-xs-12">
            <h1 className="text-xs-center">Sign up</h1>
            <p className="text-xs-center"><Link to="/login">Have an account?</Link></p>
            <ErrorMessages refused={refused} />
            <Form method="post">
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
              <button className="btn btn-lg btn-primary pull-xs-right" type="submit">Sign up</button>
            </Form>
          </div>
        </div>
      </div>
    </div>
  );
}

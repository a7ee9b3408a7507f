// GET /login: the sign-in form. ?next= is where to go once signed in.
import { Form, Link, useData, useFormError } from "sandkit/client";
import type { Data } from "./+types";
import { ErrorMessages } from "../_lib/parts";

export default function SignIn() {
  const { next } = useData<Data | null>() ?? { next: "/" };
  const refused = useFormError<"email" | "password">();
  return (
    <div className="auth-page">
      <title>Sign in — Conduit</title>
      <div className="container page">
        <div className="row">
          <div className="col-md-6 offset-md-3 col-xs-12">
            <h1 className="text-xs-center">Sign in</h1>
            <p className="text-xs-center"><Link to="/register">Need an account?</Link></p>
            <ErrorMessages refused={refused} />
            <Form method="post">
              <input type="hidden" name="next" value={next} />
              <fieldset className="form-group">
                <input className="form-control form-control-lg" name="email" type="email" placeholder="Email"
                  autoComplete="email" defaultValue={refused?.values?.email ?? ""} required />
              </fieldset>
              <fieldset className="form-group">
                <input className="form-control form-control-lg" name="password" type="password" placeholder="Password"
                  autoComplete="current-password" required />
              </fieldset>
              <button className="btn btn-lg btn-primary pull-xs-right" type="submit">Sign in</button>
            </Form>
          </div>
        </div>
      </div>
    </div>
  );
}

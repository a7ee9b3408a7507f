// GET /settings: the signed-in user's settings, and signing out.
import { Form, useData, useFormError } from "sandkit/client";
import type { Data } from "./+types";
import { ErrorMessages } from "../_lib/parts";

type Field = "image" | "username" | "bio" | "email" | "password";

export default function Settings() {
  const { user } = useData<Data>();
  const refused = useFormError<Field>();
  const value = (name: Exclude<Field, "password">) => refused?.values?.[name] ?? user[name];
  return (
    <div className="settings-page">
      <title>Settings — Conduit</title>
      <div className="container page">
        <div className="row">
          <div className="col-md-6 offset-md-3 col-xs-12">
            <h1 className="text-xs-center">Your Settings</h1>
            <ErrorMessages refused={refused} />
            <Form method="post">
              <fieldset>
                <fieldset className="form-group">
                  <input className="form-control" name="image" type="url" placeholder="URL of profile picture" defaultValue={value("image")} />
                </fieldset>
                <fieldset className="form-group">
                  <input className="form-control form-control-lg" name="username" placeholder="Your Name" defaultValue={value("username")} required />
                </fieldset>
                <fieldset className="form-group">
                  <textarea className="form-control form-control-lg" name="bio" rows={8} placeholder="Short bio about you" defaultValue={value("bio")} />
                </fieldset>
                <fieldset className="form-group">
                  <input className="form-control form-control-lg" name="email" type="email" placeholder="Email" defaultValue={value("email")} required />
                </fieldset>
                <fieldset className="form-group">
                  <input className="form-control form-control-lg" name="password" type="password" placeholder="New Password" autoComplete="new-password" />
                </fieldset>
                <button className="btn btn-lg btn-primary pull-xs-right" type="submit">Update Settings</button>
              </fieldset>
            </Form>
            <hr />
            <Form method="post" action="/logout">
              <button className="btn btn-outline-danger" type="submit">Or click here to logout.</button>
            </Form>
          </div>
        </div>
      </div>
    </div>
  );
}

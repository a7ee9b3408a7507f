// Pieces the layout and the pages share.
import { Form } from "sandkit/client";

// Flash shows the message the last answer left (after a redirect), once.
export function Flash({ message }: { message: string }) {
  return message ? (
    <p className="flash" role="status">
      {message}
    </p>
  ) : null;
}

// LogoutForm posts to /logout, a handler without a page, which answers
// with a redirect home. Without JavaScript it is a plain form; with it
// the client runtime posts it and follows the redirect without a reload.
export function LogoutForm() {
  return (
    <Form method="post" action="/logout" className="logout">
      <button type="submit">Log out</button>
    </Form>
  );
}

// FieldError is a refused form's message for one field.
export function FieldError({ message }: { message?: string }) {
  return message ? <span className="field-error">{message}</span> : null;
}

// Pieces every page uses: the flash message and the log-out form.
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
    <Form method="post" action="/logout">
      <button type="submit">Log out</button>
    </Form>
  );
}

// FieldError is a refused form's message for one field.
export function FieldError({ message }: { message?: string }) {
  return message ? <span className="field-error">{message}</span> : null;
}

// The shape of a refused form's answer (spec/routing.md §7): the page gets
// it as action data.
export type FormError = {
  error: { status: number; message: string; fields?: Record<string, string> };
  values?: Record<string, string>;
};

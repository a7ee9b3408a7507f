// A form: without JavaScript it POSTs to /posts/new; with the client
// runtime it is submitted by fetch and the page's data revalidated. A
// handler that refuses it answers 422 with a FormError (spec/pages.md,
// "Refused forms"): a message per field and the values posted, which the
// page shows the same way with or without JavaScript.
import { Form, useFormError, useNavigation } from "sandkit/client";

export default function NewPost() {
  const nav = useNavigation();
  const refused = useFormError<"title" | "body">();
  const fields = refused?.error.fields;
  return (
    <>
      <title>New post · sandkit pages</title>
      <h1>New post</h1>
      <Form method="post">
        <label>
          Title <input name="title" required defaultValue={refused?.values?.title} />
        </label>
        {fields?.title ? <p className="error">title {fields.title}</p> : null}
        <textarea name="body" defaultValue={refused?.values?.body} />
        <button type="submit" disabled={nav.state === "submitting"}>
          Publish
        </button>
        {refused && !fields ? <p className="error">{refused.error.message}</p> : null}
      </Form>
    </>
  );
}

// A form: without JavaScript it POSTs to /posts/new; with the client
// runtime it is submitted by fetch and the page's data revalidated.
import { Form, useActionData, useNavigation } from "sandkit/client";

export default function NewPost() {
  const nav = useNavigation();
  const result = useActionData() as { error?: string } | undefined;
  return (
    <>
      <title>New post · sandkit pages</title>
      <h1>New post</h1>
      <Form method="post">
        <label>
          Title <input name="title" required />
        </label>
        <textarea name="body" />
        <button type="submit" disabled={nav.state === "submitting"}>
          Publish
        </button>
        {result?.error ? <p className="error">{result.error}</p> : null}
      </Form>
    </>
  );
}

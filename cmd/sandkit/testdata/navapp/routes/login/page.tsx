import { Form, useData, useFormError } from "sandkit/client";

export default function Login() {
  const { next } = useData<{ next: string }>();
  const refused = useFormError<"name">();
  return (
    <>
      <h1>Log in</h1>
      <Form method="post">
        <input type="hidden" name="next" value={next} />
        <input name="name" defaultValue={refused?.values?.name ?? ""} />
        {refused?.error.fields?.name && <p id="name-error">name {refused.error.fields.name}</p>}
        <button type="submit">Log in</button>
      </Form>
    </>
  );
}

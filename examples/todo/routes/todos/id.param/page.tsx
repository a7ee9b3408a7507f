// GET /todos/{id}: one todo (the handler's GET; a missing one is a 404,
// shown by error.tsx) and a form that marks it done or not (its POST).
import { Form, Link, useData, useParams } from "sandkit/client";
import type { Data } from "./+types"; // generated from handler.go's type Data

export default function TodoPage() {
  const todo = useData<Data>();
  const { id } = useParams();
  return (
    <>
      <title>{`${todo.title} · todo`}</title>
      <h1 className={todo.done ? "done" : ""}>{todo.title}</h1>
      <p>
        Todo #{id}, {todo.done ? "done" : "not done yet"}.
      </p>
      <Form method="post">
        <input type="hidden" name="done" value={todo.done ? "false" : "true"} />
        <button type="submit">{todo.done ? "Mark not done" : "Mark done"}</button>
      </Form>
      <p>
        <Link to="/todos">Back to the list</Link>
      </p>
    </>
  );
}

// GET /todos: the list (the handler's GET) and a form that adds a todo
// (its POST). Without JavaScript the form posts and the browser follows
// the redirect; with it, the list revalidates in place.
import { Form, Link, useActionData, useData, useNavigation } from "sandkit/client";
import type { Data } from "./+types"; // generated from handler.go's type Data

export default function Todos() {
  const todos = useData<Data>();
  const action = useActionData() as { error?: string } | undefined;
  const nav = useNavigation();
  return (
    <>
      <title>{`Todos (${todos.length}) · todo`}</title>
      <h1>Todos</h1>
      <ul className="list">
        {todos.map((t) => (
          <li key={t.id} className={t.done ? "done" : ""}>
            <Link to={`/todos/${t.id}`}>{t.title}</Link>
          </li>
        ))}
      </ul>
      {todos.length === 0 ? <p>Nothing to do.</p> : null}
      <Form method="post">
        <input name="title" aria-label="New todo" placeholder="What needs doing?" />
        <button type="submit" disabled={nav.state === "submitting"}>Add</button>
      </Form>
      {action?.error ? <p className="error" role="alert">{action.error}</p> : null}
    </>
  );
}

// The article editor, new (/editor) or existing (/editor/{slug}).
import { Form, useFormError } from "sandkit/client";
import { ErrorMessages, type Article } from "./parts";

type Field = "title" | "description" | "body" | "tags";

export function Editor({ article }: { article: Article | null }) {
  const refused = useFormError<Field>();
  const value = (name: Field) =>
    refused?.values?.[name] ?? (name === "tags" ? article?.tagList.join(" ") : article?.[name]) ?? "";
  return (
    <div className="editor-page">
      <title>{article ? "Edit " + article.title + " — Conduit" : "New Article — Conduit"}</title>
      <div className="container page">
        <div className="row">
          <div className="col-md-10 offset-md-1 col-xs-12">
            <ErrorMessages refused={refused} />
            <Form method="post">
              <fieldset>
                <fieldset className="form-group">
                  <input className="form-control form-control-lg" name="title" placeholder="Article Title" defaultValue={value("title")} />
                </fieldset>
                <fieldset className="form-group">
                  <input className="form-control" name="description" placeholder="What's this article about?" defaultValue={value("description")} />
                </fieldset>
                <fieldset className="form-group">
                  <textarea className="form-control" name="body" rows={8} placeholder="Write your article (in markdown)" defaultValue={value("body")} />
                </fieldset>
                <fieldset className="form-group">
                  <input className="form-control" name="tags" placeholder="Enter tags (separated by spaces or commas)" defaultValue={value("tags")} />
                </fieldset>
                <button className="btn btn-lg pull-xs-right btn-primary" type="submit">Publish Article</button>
              </fieldset>
            </Form>
          </div>
        </div>
      </div>
    </div>
  );
}

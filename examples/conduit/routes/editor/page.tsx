// GET /editor: a new article.
import { Editor } from "../_lib/editor";

export default function NewArticle() {
  return <Editor article={null} />;
}

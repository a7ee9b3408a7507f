// GET /editor/{slug}: the author changes an article.
import { useData } from "sandkit/client";
import type { Data } from "./+types";
import { Editor } from "../../_lib/editor";
import type { Article } from "../../_lib/parts";

export default function EditArticle() {
  const { article } = useData<Data>();
  return <Editor key={article?.slug} article={article as Article} />;
}

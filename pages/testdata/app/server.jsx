// The server entry: defines the render function of spec/pages.md.
import { renderToString } from "react-dom/server.edge";
import { App } from "./app.jsx";

globalThis.__sandkit_render = function (input) {
  const props = JSON.parse(input);
  return renderToString(<App {...props} />);
};

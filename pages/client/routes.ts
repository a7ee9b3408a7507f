// The route tree the compiler generates, turned into React Router route
// objects; shared by the server bundle and the client runtime.

import { createElement, type ComponentType } from "react";
import { Outlet, useRouteError, type RouteObject } from "react-router";

/** A module under routes/: a layout, page, error or 404 file. */
export interface Module {
  default?: ComponentType<any>;
}

/**
 * One node of the generated tree. kind says what the module is:
 * "layout" wraps its children, "error" catches what its children throw,
 * "page" is a route's page (path "", so forms post to it), "notfound" is a 404.tsx matched as
 * the splat of its folder, "dir" only adds a path segment.
 */
export interface Node {
  id: string;
  kind: "layout" | "error" | "page" | "notfound" | "dir";
  path?: string;
  index?: boolean;
  file?: string; // the module, relative to the app: routes/posts/page.tsx
  route?: string; // pages: the sandkit route id
  splat?: string; // pages under a catch-all: the parameter's name
  handler?: boolean; // pages: the route has a handler that answers JSON
  folder?: string; // 404 pages: the folder of the 404 file under routes/
  loader?: boolean; // layouts: the layout has a loader (func Layout), its data fetched with ?_data=layout:FOLDER
  mod?: Module; // the server bundle imports every module
  load?: () => Promise<Module>; // the client imports them lazily
  children?: Node[];
}

/** What a route carries in handle, read by useData, useLayoutData and useParams. */
export interface Handle {
  kind: Node["kind"];
  route?: string;
  splat?: string;
  folder?: string;
  layout?: string; // layouts: the folder under routes/ ("" for the root)
  loader?: boolean; // layouts: has a loader
}

/** The error an error page receives: what was thrown, or its message and status after a server render. */
export interface RouteError {
  message: string;
  status?: number;
}

/** The route properties a module contributes. */
export function moduleProps(node: Node, mod: Module): Partial<RouteObject> {
  const C = mod.default;
  if (typeof C !== "function" && (typeof C !== "object" || C === null)) {
    throw new Error(
      `${node.file}: no default export (hint: export default function Component() { ... })`,
    );
  }
  switch (node.kind) {
    case "layout":
      return { Component: () => createElement(C, null, createElement(Outlet)) };
    case "error":
      return { ErrorBoundary: () => createElement(C, { error: useRouteError() }) };
    default:
      return { Component: C };
  }
}

/** Converts the tree; extend adds mode-specific properties (lazy, loader, action). */
export function toRoutes(nodes: Node[], extend: (n: Node, r: RouteObject) => void): RouteObject[] {
  return nodes.map((n) => {
    const handle: Handle = { kind: n.kind, route: n.route, splat: n.splat, folder: n.folder };
    if (n.kind === "layout") {
      handle.layout = n.id.slice("layout:".length);
      if (n.loader) handle.loader = true;
    }
    const r: any = { id: n.id, handle };
    if (n.index) r.index = true;
    else if (n.path !== undefined) r.path = n.path;
    if (n.children && !n.index) r.children = toRoutes(n.children, extend);
    extend(n, r);
    return r as RouteObject;
  });
}

/** The message of anything thrown. */
export function errorOf(e: unknown, status = 500): RouteError {
  if (e && typeof e === "object" && "message" in e) {
    const s = (e as any).status;
    return { message: String((e as any).message), status: typeof s === "number" ? s : status };
  }
  return { message: String(e), status };
}

// The server side of the render protocol (spec/pages.md, "Server bundle
// protocol"): register defines globalThis.__sandkit_render, which renders a
// route synchronously with React Router's static router and returns JSON.

import { createElement } from "react";
import { renderToString } from "react-dom/server.edge";
import {
  createStaticHandler,
  createStaticRouter,
  matchRoutes,
  StaticRouterProvider,
  type StaticHandlerContext,
} from "react-router";
import { errorOf, moduleProps, toRoutes, type Handle, type Node, type RouteError } from "./routes";

/** The render input of spec/pages.md. */
interface Input {
  route: string;
  url: string;
  params?: Record<string, string>;
  data?: unknown;
  notFound?: boolean;
  /** What the route's action answered to a form posted without JavaScript (a 4xx JSON answer). */
  action?: unknown;
  /** The route's loader failed: render the nearest error page with this. */
  error?: RouteError;
  /** The data of the layouts with a loader, by folder ("" for the root). */
  layouts?: Record<string, unknown>;
  /** Where the host mounts the app ("/todo"): links and forms render under it. */
  basename?: string;
}

/** What the document needs to hydrate: the content of the __sandkit_data script. */
export interface State {
  route: string;
  url: string;
  params: Record<string, string>;
  data: unknown;
  notFound?: string;
  action?: unknown;
  error?: { boundary: string } & RouteError;
  layouts?: Record<string, unknown>;
}

/** The render result, returned as JSON text. */
export interface Result {
  html: string;
  head: string;
  status: number;
  route: string;
  notFound?: string;
  state: State;
  /** What a module threw, for the host's log; never sent to the browser. */
  thrown?: { name: string; message: string; stack: string };
}

/** Set by the compiler: a dev build shows error pages what was thrown. */
declare const __SANDKIT_DEV__: boolean;

/** What an error page is shown of a render error in production. */
const HIDDEN = "Unexpected Server Error";

const PRE = "<html><head>";
const MID = "</head><body>";
const POST = "</body></html>";

/** Builds the routes and defines globalThis.__sandkit_render. */
export function register(nodes: Node[]): void {
  const routes = toRoutes(nodes, (n, r) => Object.assign(r, n.mod ? moduleProps(n, n.mod) : {}));
  const { dataRoutes } = createStaticHandler(routes);
  const chains = routeChains(dataRoutes);
  (globalThis as any).__sandkit_render = (input: string): string =>
    JSON.stringify(render(dataRoutes, chains, JSON.parse(input) as Input));
}

function render(dataRoutes: any[], chains: Map<string, any[]>, inp: Input): Result {
  const url = String(inp.url || "/");
  const q = url.search(/[?#]/);
  const pathname = q < 0 ? url : url.slice(0, q);
  const search = q < 0 || url[q] === "#" ? "" : url.slice(q).replace(/#.*$/, "");
  const location = { pathname, search, hash: "", state: null, key: "default" };
  const params = inp.params ?? {};
  const pageId = "page:" + inp.route;
  const chain = inp.notFound ? null : (chains.get(pageId) ?? null);

  let matches: any[] | null = matchRoutes(dataRoutes, location);
  let notFound: string | undefined;
  if (chain) {
    const leaf = matches?.[matches.length - 1];
    if (!leaf || leaf.route.id !== pageId) {
      // The host's router and React Router disagree (they should not): trust the host.
      matches = chain.map((route) => ({ route, params: {}, pathname, pathnameBase: pathname }));
    }
    const h = matches![matches!.length - 1].route.handle as Handle;
    const rp: Record<string, string> = { ...params };
    if (h.splat && h.splat in rp) {
      rp["*"] = rp[h.splat];
      delete rp[h.splat];
    }
    for (const m of matches!) m.params = rp;
  } else {
    const leaf = matches?.[matches.length - 1];
    const h = leaf?.route.handle as Handle | undefined;
    if (!h || h.kind !== "notfound") {
      throw new Error(`no 404 page for ${pathname} (hint: add routes/404.tsx)`);
    }
    notFound = h.folder ?? "";
  }

  const state: State = { route: inp.route, url, params, data: inp.data ?? null };
  const loaderData: Record<string, unknown> = chain ? { [pageId]: state.data } : {};
  if (inp.layouts && typeof inp.layouts === "object") {
    state.layouts = inp.layouts;
    for (const m of matches!) {
      const h = m.route.handle as Handle;
      if (h.kind === "layout" && h.loader) loaderData[m.route.id] = inp.layouts[h.layout ?? ""] ?? null;
    }
  }
  if (notFound !== undefined) state.notFound = notFound;
  const hasAction = chain !== null && inp.action !== undefined && inp.action !== null;
  if (hasAction) state.action = inp.action;
  // Under a base path the router sees the URL the browser does; its
  // links and form actions carry the base (spec/pages.md, "Base path").
  const basename = typeof inp.basename === "string" && inp.basename.startsWith("/") ? inp.basename : "";
  const ctx: StaticHandlerContext = {
    basename: basename || "/",
    location: basename ? { ...location, pathname: basename + pathname } : location,
    matches: matches as any,
    loaderData,
    actionData: hasAction ? { [pageId]: inp.action } : null,
    errors: null,
    statusCode: notFound !== undefined ? 404 : 200,
    loaderHeaders: {},
    actionHeaders: {},
  };
  let thrown: Result["thrown"];
  const result = (html: string, head: string): Result => {
    const r: Result = { html, head, status: ctx.statusCode, route: inp.route, state };
    if (notFound !== undefined) r.notFound = notFound;
    if (thrown) r.thrown = thrown;
    return r;
  };
  let first: unknown;
  let err: RouteError;
  if (inp.error && typeof inp.error === "object") {
    // The loader failed: the page is not rendered, its error page is.
    const status = Number(inp.error.status) >= 400 ? Number(inp.error.status) : 500;
    first = Object.assign(new Error(String(inp.error.message ?? "")), { status });
    err = errorOf(first);
  } else {
    try {
      return result(...renderApp(dataRoutes, ctx));
    } catch (e) {
      first = e;
    }
    const x: any = first;
    thrown = {
      name: String((x && x.name) || "Error"),
      message: String(x && typeof x === "object" && "message" in x ? x.message : x),
      stack: String((x && x.stack) || ""),
    };
    err = errorOf(first);
    // In production a 5xx thrown while rendering shows no internals; an
    // error thrown with a 4xx status (a deliberate "not found") keeps its
    // message.
    if (!__SANDKIT_DEV__ && !(err.status && err.status >= 400 && err.status < 500)) {
      err = { message: HIDDEN, status: err.status && err.status >= 500 ? err.status : 500 };
    }
  }
  // Render the nearest error page that renders, from the deepest up (an
  // error page sits inside the layouts above it, and one of those may be
  // what threw).
  for (let i = matches!.length - 1; i >= 0; i--) {
    const route = matches![i].route;
    if ((route.handle as Handle).kind !== "error") continue;
    ctx.errors = { [route.id]: err };
    ctx.statusCode = err.status && err.status >= 400 ? err.status : 500;
    state.error = { boundary: route.id, ...err };
    try {
      return result(...renderApp(dataRoutes, ctx));
    } catch {
      // try the next error page up
    }
  }
  throw first;
}

/** Maps each route's id to the route objects from the root down to it, once, not per render. */
function routeChains(routes: any[], above: any[] = [], out = new Map<string, any[]>()): Map<string, any[]> {
  for (const r of routes) {
    const chain = [...above, r];
    out.set(r.id, chain);
    if (r.children) routeChains(r.children, chain, out);
  }
  return out;
}

/** Renders inside a document so that React hoists title, meta and link to head. */
function renderApp(dataRoutes: any[], ctx: StaticHandlerContext): [string, string] {
  const router = createStaticRouter(dataRoutes, ctx);
  const out = renderToString(
    createElement(
      "html",
      null,
      createElement("head"),
      createElement(
        "body",
        null,
        createElement(StaticRouterProvider, { router, context: ctx, hydrate: false }),
      ),
    ),
  );
  const mid = out.indexOf(MID);
  if (!out.startsWith(PRE) || mid < 0 || !out.endsWith(POST)) {
    throw new Error("sandkit: unexpected document markup from renderToString");
  }
  return [out.slice(mid + MID.length, out.length - POST.length), out.slice(PRE.length, mid)];
}

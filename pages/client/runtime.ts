// The client runtime: hydrates the server-rendered page with React Router,
// then navigates in the browser, fetching only the next route's JSON.

import { createElement } from "react";
import { createRoot, hydrateRoot } from "react-dom/client";
import { createBrowserRouter, data, matchRoutes, redirect, redirectDocument, type RouteObject } from "react-router";
import { RouterProvider } from "react-router/dom";
import { moduleProps, toRoutes, type Node } from "./routes";
import type { State } from "./server";

/** The element ids the document shell uses (spec/pages.md). */
export const ROOT_ID = "__sandkit_root";
export const DATA_ID = "__sandkit_data";

/**
 * Fetches a route's data: GET the URL with Accept: application/json. The
 * host answers with the JSON the route's handler returns for GET.
 */
async function load(request: Request): Promise<unknown> {
  const res = await fetch(request.url, {
    headers: { Accept: "application/json" },
    signal: request.signal,
    credentials: "same-origin",
    // The JSON shares its URL with the document: kept in the HTTP cache, it
    // would be what the browser shows on Back to that URL.
    cache: "no-store",
  });
  return readJSON(res);
}

/**
 * Submits a form to the route's handler: POST the form body to the URL. A
 * handler that answers with a redirect (303) is followed by fetch; the
 * router then navigates there. Otherwise its JSON is the action data
 * (useActionData), and after a 2xx the router revalidates (fetches the data
 * of the routes on screen again).
 */
async function act(request: Request): Promise<unknown> {
  // The body as the router encoded it from the form's encType (URL-encoded
  // by default, as a browser without JavaScript would send it).
  const headers: Record<string, string> = { Accept: "application/json" };
  const type = request.headers.get("Content-Type");
  if (type) headers["Content-Type"] = type;
  const res = await fetch(request.url, {
    method: request.method,
    body: await request.arrayBuffer(),
    headers,
    signal: request.signal,
    credentials: "same-origin",
    cache: "no-store",
  });
  if (res.redirected) {
    const to = new URL(res.url);
    if (to.origin === location.origin) return redirect(to.pathname + to.search);
    location.assign(res.url);
    return null;
  }
  // A refused submission (4xx with JSON, validation errors typically) is
  // action data for the form, as it is without JavaScript; the router does
  // not revalidate after it.
  if (res.status >= 400 && res.status < 500 && (res.headers.get("Content-Type") || "").includes("json")) {
    return data(await res.json(), { status: res.status });
  }
  return readJSON(res);
}

async function readJSON(res: Response): Promise<unknown> {
  const type = res.headers.get("Content-Type") || "";
  if (!res.ok) {
    let message = res.statusText || `HTTP ${res.status}`;
    if (type.includes("json")) {
      const body: any = await res.json().catch(() => null);
      if (body && typeof body.error === "string") message = body.error;
      // The host's own errors: {"error":{"status","message"}} (spec/routing.md §7).
      else if (body && body.error && typeof body.error.message === "string") message = body.error.message;
    }
    throw Object.assign(new Error(message), { status: res.status });
  }
  if (res.status === 204) return null;
  if (!type.includes("json")) {
    throw Object.assign(new Error(`expected JSON from ${res.url}, got ${type || "no type"}`), {
      status: 500,
    });
  }
  return res.json();
}

const loadedCSS = new Set<string>();

/** Adds a stylesheet once and resolves when it has loaded (or failed). */
function stylesheet(href: string): Promise<void> {
  if (loadedCSS.has(href)) return Promise.resolve();
  loadedCSS.add(href);
  for (const l of Array.from(document.querySelectorAll('link[rel="stylesheet"]'))) {
    if (l.getAttribute("href") === href) return Promise.resolve();
  }
  return new Promise((resolve) => {
    const l = document.createElement("link");
    l.rel = "stylesheet";
    l.href = href;
    l.onload = l.onerror = () => resolve();
    document.head.appendChild(l);
  });
}

/**
 * Starts the app: nodes is the generated route tree, css (JSON text) maps a
 * module file to the stylesheets its chunk needs.
 */
export async function hydrate(nodes: Node[], css: string): Promise<void> {
  const cssOf: Record<string, string[]> = JSON.parse(css);
  const routes = toRoutes(nodes, (n, r: any) => {
    if (n.load) {
      const load = n.load;
      r.lazy = async () => {
        const [mod] = await Promise.all([load(), ...(cssOf[n.file!] ?? []).map(stylesheet)]);
        return moduleProps(n, mod);
      };
    }
    if (n.kind === "page" && n.handler) {
      r.loader = ({ request }: { request: Request }) => load(request);
      r.action = ({ request }: { request: Request }) => act(request);
    }
    if (n.kind === "notfound") {
      // A URL no page matches may still be served: a file under public/, a
      // route with a handler and no page. Ask the server with a document
      // request; it renders the 404 page if nothing answers.
      r.loader = ({ request }: { request: Request }) => redirectDocument(request.url);
    }
  });

  liftActions(routes as any[]);

  // Without a 404 page of its own for a URL, the router would show its
  // built-in error screen: ask the server instead (it may serve a file).
  routes.push({ id: "sandkit:unmatched", path: "*", loader: ({ request }) => redirectDocument(request.url) });

  const el = document.getElementById(DATA_ID);
  const state: State | null = el?.textContent ? JSON.parse(el.textContent) : null;
  const root = document.getElementById(ROOT_ID);
  if (!root) throw new Error(`sandkit: no element #${ROOT_ID} in the document`);

  // Load the modules of the routes on screen before hydrating, so the first
  // client render matches the server's markup.
  const matches = matchRoutes(routes, window.location) ?? [];
  await Promise.all(
    matches.map(async (m) => {
      const r: any = m.route;
      if (r.lazy) {
        Object.assign(r, await r.lazy());
        delete r.lazy;
      }
    }),
  );

  if (!state) {
    const router = createBrowserRouter(routes);
    createRoot(root).render(createElement(RouterProvider, { router }));
    (window as any).__sandkit_router = router;
    return;
  }
  const loaderData: Record<string, unknown> = {};
  if (state.notFound === undefined) loaderData["page:" + state.route] = state.data;
  else loaderData["404:" + state.notFound] = null; // hydrate without running its loader
  loaderData["sandkit:unmatched"] = null; // never a document request while hydrating
  const errors = state.error
    ? { [state.error.boundary]: { message: state.error.message, status: state.error.status } }
    : null;
  const actionData =
    state.action !== undefined && state.notFound === undefined ? { ["page:" + state.route]: state.action } : null;
  const router = createBrowserRouter(routes as RouteObject[], {
    hydrationData: { loaderData, actionData, errors },
  });
  hydrateRoot(root, createElement(RouterProvider, { router }));
  (window as any).__sandkit_router = router; // for tests and debugging
}

/**
 * React Router sends a form to the deepest matched route that adds a path
 * segment; a page at its layout's own URL has path "", so the layout (or
 * the first ancestor that adds the segment) gets the page's action too. It
 * posts to the same URL, which the host routes to the page's handler.
 */
function liftActions(routes: any[]): void {
  for (const r of routes) {
    if (!r.children) continue;
    liftActions(r.children);
    for (const c of r.children) {
      if (!c.index && !c.path && c.action && !r.action) r.action = c.action;
    }
  }
}

// The client runtime: hydrates the server-rendered page with React Router,
// then navigates in the browser, fetching only the next route's JSON.

import { createElement } from "react";
import { createRoot, hydrateRoot } from "react-dom/client";
import { createBrowserRouter, data, matchRoutes, redirect, redirectDocument, type RouteObject } from "react-router";
import { RouterProvider } from "react-router/dom";
import { moduleProps, toRoutes, type Handle, type Node } from "./routes";
import type { State } from "./server";

/** The element ids the document shell uses (spec/pages.md). */
export const ROOT_ID = "__sandkit_root";
export const DATA_ID = "__sandkit_data";

/** Marks the runtime's own requests: the host answers their redirects as 204 + REDIRECT_HEADER. */
const CLIENT_HEADER = "X-Sandkit-Client";
/** Where a redirect answered to the runtime goes (spec/pages.md, "Redirects"). */
const REDIRECT_HEADER = "X-Sandkit-Redirect";

/**
 * The redirect a response asks for, as React Router's redirect: a path
 * on this origin navigates in the browser (the URL changes, the target's
 * data loads), another origin is a full document navigation. null when
 * the response is no redirect.
 */
function redirectOf(res: Response): Response | null {
  let to = res.headers.get(REDIRECT_HEADER);
  if (!to && res.redirected) to = res.url; // a host without the protocol: fetch followed it
  if (!to) return null;
  const url = new URL(to, location.href);
  if (url.origin !== location.origin) return redirectDocument(url.href);
  // The full URL, not its path: React Router would put its basename in
  // front of a path, and the host already did.
  return redirect(url.href);
}

/** GET url asking for JSON, as the runtime's loaders do. */
function getJSON(url: string, signal: AbortSignal): Promise<Response> {
  return fetch(url, {
    headers: { Accept: "application/json", [CLIENT_HEADER]: "1" },
    signal,
    credentials: "same-origin",
    // The JSON shares its URL with the document: kept in the HTTP cache, it
    // would be what the browser shows on Back to that URL.
    cache: "no-store",
  });
}

/**
 * Fetches a route's data: GET the URL with Accept: application/json. The
 * host answers with the JSON the route's handler returns for GET, or
 * with the redirect it answered.
 */
async function load(request: Request): Promise<unknown> {
  const res = await getJSON(request.url, request.signal);
  const to = redirectOf(res);
  if (to) throw to;
  return readJSON(res);
}

/**
 * Fetches a layout's data: GET the URL with ?_data=layout:FOLDER. A
 * redirect applies as a page loader's does; a failure loads the URL as a
 * document, so the server renders the error page inside that layout as it
 * does for a first visit.
 */
async function loadLayout(request: Request, folder: string): Promise<unknown> {
  const url = new URL(request.url);
  url.searchParams.set("_data", "layout:" + folder);
  const res = await getJSON(url.href, request.signal);
  const to = redirectOf(res);
  if (to) throw to;
  if (!res.ok) throw redirectDocument(request.url);
  return readJSON(res);
}

/**
 * Submits a form to the route's handler: POST the form body to the URL
 * (the form's action: the page's own, or another route's). A redirect the
 * handler answers makes the router navigate there. Otherwise its JSON is
 * the action data (useActionData, fetcher.data), and after a 2xx the router
 * revalidates (fetches the data of the routes on screen again).
 */
async function act(request: Request): Promise<unknown> {
  // The body as the router encoded it from the form's encType (URL-encoded
  // by default, as a browser without JavaScript would send it).
  const headers: Record<string, string> = { Accept: "application/json", [CLIENT_HEADER]: "1" };
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
  const to = redirectOf(res);
  if (to) return to;
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
    if (n.kind === "layout" && n.loader) {
      const folder = n.id.slice("layout:".length);
      r.loader = ({ request }: { request: Request }) => loadLayout(request, folder);
      // Layout data (the signed-in user) is fetched again on every
      // navigation, not only when the layout's parameters change.
      r.shouldRevalidate = () => true;
    }
    if (n.kind === "notfound") {
      // A URL no page matches may still be served: a file under public/, a
      // route with a handler and no page. Ask the server with a document
      // request; it renders the 404 page if nothing answers.
      r.loader = ({ request }: { request: Request }) => redirectDocument(request.url);
      // A form posted to such a URL (<Form action="/logout">) goes to its
      // handler as any page's form does.
      r.action = ({ request }: { request: Request }) => act(request);
    }
  });

  liftActions(routes as any[]);

  // Without a 404 page of its own for a URL, the router would show its
  // built-in error screen: ask the server instead (it may serve a file).
  routes.push({
    id: "sandkit:unmatched",
    path: "*",
    loader: ({ request }) => redirectDocument(request.url),
    action: ({ request }) => act(request),
  });

  const el = document.getElementById(DATA_ID);
  const state: State | null = el?.textContent ? JSON.parse(el.textContent) : null;
  // Where the host mounts the app ("/todo"), when not at the root.
  const basename = el?.dataset.basename || undefined;
  const root = document.getElementById(ROOT_ID);
  if (!root) throw new Error(`sandkit: no element #${ROOT_ID} in the document`);

  // Load the modules of the routes on screen before hydrating, so the first
  // client render matches the server's markup.
  const matches = matchRoutes(routes, window.location, basename) ?? [];
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
    const router = createBrowserRouter(routes, { basename });
    createRoot(root).render(createElement(RouterProvider, { router }));
    (window as any).__sandkit_router = router;
    return;
  }
  const loaderData: Record<string, unknown> = {};
  // The layouts on screen with a loader hydrate from the data the server
  // rendered them with (null when it has none: their loader did not run).
  for (const m of matches) {
    const h = (m.route as any).handle as Handle | undefined;
    if (h?.kind === "layout" && h.loader) loaderData[m.route.id!] = state.layouts?.[h.layout ?? ""] ?? null;
  }
  if (state.notFound === undefined) loaderData["page:" + state.route] = state.data;
  else {
    // The 404 page on screen hydrates without running its loader: "404:F",
    // or "404:F@D" at the URL of a folder D with pages only below it.
    for (const m of matches) {
      if (((m.route as any).handle as Handle | undefined)?.kind === "notfound") loaderData[m.route.id!] = null;
    }
  }
  loaderData["sandkit:unmatched"] = null; // never a document request while hydrating
  const errors = state.error
    ? { [state.error.boundary]: { message: state.error.message, status: state.error.status } }
    : null;
  const actionData =
    state.action !== undefined && state.notFound === undefined ? { ["page:" + state.route]: state.action } : null;
  const router = createBrowserRouter(routes as RouteObject[], {
    basename,
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

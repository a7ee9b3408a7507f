// sandkit/client: what page components import. Link, NavLink and Form are
// React Router's; useData and useParams read the sandkit route's data and
// parameters (a catch-all by its own name, not "*").

import { useContext } from "react";
import {
  UNSAFE_DataRouterStateContext,
  useMatches,
  useParams as useRouterParams,
  useRouteError,
} from "react-router";
import type { Handle, RouteError } from "./routes";

export {
  Form,
  Link,
  NavLink,
  ScrollRestoration,
  useLocation,
  useNavigate,
  useNavigation,
  useRevalidator,
  useSearchParams,
} from "react-router";
export type { RouteError } from "./routes";

/**
 * The JSON the route's handler returned for GET (its loader data), or null
 * when the route has no handler. In a layout it is the data of the page
 * being shown.
 */
export function useData<T = unknown>(): T {
  const ms = useMatches();
  for (let i = ms.length - 1; i >= 0; i--) {
    const h = ms[i].handle as Handle | undefined;
    if (h && h.kind === "page") return (ms[i].data ?? null) as T;
  }
  return null as T;
}

/**
 * The route's parameters by name, percent-decoded: { id: "7" } for
 * routes/posts/id.param; a catch-all rest.all as { rest: "a/b" }.
 */
export function useParams(): Record<string, string> {
  const p: Record<string, string> = {};
  for (const [k, v] of Object.entries(useRouterParams())) if (v !== undefined) p[k] = v;
  const ms = useMatches();
  const h = ms[ms.length - 1]?.handle as Handle | undefined;
  if ("*" in p) {
    if (h?.splat) p[h.splat] = p["*"];
    delete p["*"];
  }
  return p;
}

/** In an error page: what was thrown ({ message, status } after a server render). */
export function useError(): RouteError {
  const e = useRouteError() as any;
  return e && typeof e === "object" ? e : { message: String(e) };
}

/**
 * What the route's handler answered to the last form posted from this
 * page (a refused form's {"error": ...}, say), or undefined. Unlike React
 * Router's hook of the same name it does not depend on which route object
 * handled the post: a page at its layout's own URL posts through the
 * layout (React Router sends a form to the deepest route that adds a path
 * segment).
 */
export function useActionData<T = unknown>(): T | undefined {
  const state = useContext(UNSAFE_DataRouterStateContext);
  const all = state?.actionData;
  if (!all) return undefined;
  const values = Object.values(all);
  return values.length ? (values[values.length - 1] as T) : undefined;
}

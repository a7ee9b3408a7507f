// sandkit/client: what page components import. Link, NavLink, Form and
// useFetcher are React Router's; useData, useLayoutData and useParams read
// the sandkit route's data, its layouts' data and its parameters (a
// catch-all by its own name, not "*").

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
  useFetcher,
  useFetchers,
  useSearchParams,
  useSubmit,
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

/**
 * The data of a layout's loader (func Layout beside its layout.tsx): the
 * layout in folder (relative to routes/, "" for routes/layout.tsx), or
 * without folder the innermost layout on screen that has a loader. null
 * when there is none, or its loader failed. Pages, 404 and error pages
 * read it as the layout does; it is fetched again on every client
 * navigation and after every form.
 */
export function useLayoutData<T = unknown>(folder?: string): T {
  const ms = useMatches();
  for (let i = ms.length - 1; i >= 0; i--) {
    const h = ms[i].handle as Handle | undefined;
    if (h && h.kind === "layout" && h.loader && (folder === undefined || h.layout === folder)) {
      return (ms[i].data ?? null) as T;
    }
  }
  return null as T;
}

/**
 * What a handler answers to a refused form (status 422 from the Go SDK's
 * form binding, or any 4xx in this shape): the error, with a message per
 * field that failed, and the values posted, to fill the form again. F
 * names the form's fields.
 */
export interface FormError<F extends string = string> {
  error: {
    status: number;
    message: string;
    /** A message per field, e.g. { email: "is already taken" }. */
    fields?: Partial<Record<F, string>>;
  };
  /** The values the form was posted with (never passwords). */
  values?: Partial<Record<F, string>>;
}

/** Reports whether x (action or fetcher data) is a FormError. */
export function isFormError<F extends string = string>(x: unknown): x is FormError<F> {
  const e = x && typeof x === "object" ? (x as any).error : undefined;
  return !!e && typeof e === "object" && typeof e.message === "string";
}

/**
 * The FormError the page's last form was refused with, or undefined: with
 * JavaScript, what the handler answered to the fetch; without, what the
 * host rendered the page again with. The same value either way.
 */
export function useFormError<F extends string = string>(): FormError<F> | undefined {
  const d = useActionData();
  return isFormError<F>(d) ? d : undefined;
}

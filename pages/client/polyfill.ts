// URL and URLSearchParams for the server bundle. QuickJS has neither,
// and React Router uses both while rendering (hrefs, form actions). The
// compiler injects these classes into the server bundle in place of the
// globals, in QuickJS and in Node alike, so both render the same bytes.
// They implement the WHATWG URL parser for what a page renders: absolute
// URLs, relative references against a base, dot segments and
// percent-encoding; not IDNA hosts, IPv6 normalization or blob: URLs.

const SPECIAL: Record<string, string> = { "http:": "80", "https:": "443", "ws:": "80", "wss:": "443", "ftp:": "21", "file:": "" };

// Percent-encode sets (https://url.spec.whatwg.org/#percent-encoded-bytes).
const FRAGMENT = ` "<>\``;
const QUERY = ` "#<>`;
const SPECIAL_QUERY = QUERY + "'";
const PATH = QUERY + "?`{}^";
const USERINFO = PATH + "/:;=@[\\]|";

function encodeSet(s: string, set: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || c > 0x7e) out += utf8(ch);
    else if (set.includes(ch)) out += "%" + c.toString(16).toUpperCase().padStart(2, "0");
    else out += ch;
  }
  return out;
}

function utf8(ch: string): string {
  const c = ch.codePointAt(0)!;
  if (c < 0x20 || c === 0x7f) return "%" + c.toString(16).toUpperCase().padStart(2, "0");
  try {
    return encodeURIComponent(ch);
  } catch {
    return "%EF%BF%BD"; // a lone surrogate
  }
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.\-]*):/;

function clean(s: string): string {
  return s.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "").replace(/[\t\n\r]/g, "");
}

function isDot(seg: string): boolean {
  return seg === "." || seg.toLowerCase() === "%2e";
}
function isDotDot(seg: string): boolean {
  const s = seg.toLowerCase();
  return s === ".." || s === ".%2e" || s === "%2e." || s === "%2e%2e";
}

/** Resolves dot segments and percent-encodes a path that starts with "/". */
function normalizePath(path: string, special: boolean): string {
  if (special) path = path.replace(/\\/g, "/");
  const segs = path.split("/").slice(1);
  const out: string[] = [];
  segs.forEach((seg, i) => {
    const last = i === segs.length - 1;
    if (isDotDot(seg)) {
      out.pop();
      if (last) out.push("");
    } else if (isDot(seg)) {
      if (last) out.push("");
    } else {
      out.push(encodeSet(seg, PATH));
    }
  });
  return "/" + out.join("/");
}

/** Splits off "?query" and "#hash" from the end of s. */
function splitTail(s: string): [string, string | null, string | null] {
  let hash: string | null = null;
  let query: string | null = null;
  const h = s.indexOf("#");
  if (h >= 0) {
    hash = s.slice(h + 1);
    s = s.slice(0, h);
  }
  const q = s.indexOf("?");
  if (q >= 0) {
    query = s.slice(q + 1);
    s = s.slice(0, q);
  }
  return [s, query, hash];
}

export class URL {
  protocol = "";
  username = "";
  password = "";
  hostname = "";
  port = "";
  pathname = "";
  private _search = "";
  hash = "";
  private opaque = false;

  constructor(input: string | URL, base?: string | URL) {
    const s = clean(String(input));
    if (SCHEME.test(s)) {
      this.parseAbsolute(s);
      return;
    }
    if (base === undefined) throw new TypeError(`Invalid URL: ${s}`);
    const b = base instanceof URL ? base : new URL(String(base));
    if (b.opaque && !s.startsWith("#")) throw new TypeError(`Invalid URL: ${s}`);
    const special = b.protocol in SPECIAL;
    if (s.startsWith("//") || (special && /^[\\/]{2}/.test(s))) {
      this.parseAbsolute(b.protocol + s);
      return;
    }
    Object.assign(this, {
      protocol: b.protocol,
      username: b.username,
      password: b.password,
      hostname: b.hostname,
      port: b.port,
      opaque: b.opaque,
    });
    const [path, query, hash] = splitTail(s);
    this.hash = hash === null ? "" : hash === "" ? "" : "#" + encodeSet(hash, FRAGMENT);
    if (path === "") {
      this.pathname = b.pathname;
      this._search = query === null ? b._search : this.encodeQuery(query);
      return;
    }
    this._search = query === null ? "" : this.encodeQuery(query);
    if (path.startsWith("/") || (special && path.startsWith("\\"))) {
      this.pathname = normalizePath(path, special);
    } else {
      const dir = b.pathname.slice(0, b.pathname.lastIndexOf("/") + 1) || "/";
      this.pathname = normalizePath(dir + path, special);
    }
  }

  private encodeQuery(q: string): string {
    return q === "" ? "" : "?" + encodeSet(q, this.protocol in SPECIAL ? SPECIAL_QUERY : QUERY);
  }

  private parseAbsolute(s: string): void {
    const m = SCHEME.exec(s)!;
    this.protocol = m[1].toLowerCase() + ":";
    let rest = s.slice(m[0].length);
    const special = this.protocol in SPECIAL;
    const [body, query, hash] = splitTail(rest);
    rest = body;
    this.hash = hash === null || hash === "" ? "" : "#" + encodeSet(hash, FRAGMENT);
    this._search = query === null ? "" : this.encodeQuery(query);
    if (special ? /^[\\/]{2}/.test(rest) || !rest.startsWith("/") : rest.startsWith("//")) {
      rest = rest.replace(special ? /^[\\/]*/ : /^\/\//, "");
      const end = rest.search(special ? /[\\/]/ : /\//);
      let auth = end < 0 ? rest : rest.slice(0, end);
      rest = end < 0 ? "" : rest.slice(end);
      const at = auth.lastIndexOf("@");
      if (at >= 0) {
        const [user, ...pass] = auth.slice(0, at).split(":");
        this.username = encodeSet(user, USERINFO);
        this.password = encodeSet(pass.join(":"), USERINFO);
        auth = auth.slice(at + 1);
      }
      const pm = /:(\d*)$/.exec(auth);
      if (pm && !auth.endsWith("]")) {
        this.port = pm[1] === "" ? "" : String(Number(pm[1]));
        auth = auth.slice(0, pm.index);
      }
      if (this.port === SPECIAL[this.protocol]) this.port = "";
      this.hostname = special ? auth.toLowerCase() : auth;
      if (special && this.hostname === "" && this.protocol !== "file:") throw new TypeError(`Invalid URL: ${s}`);
      this.pathname = rest === "" ? (special ? "/" : "") : normalizePath(rest, special);
    } else if (rest.startsWith("/")) {
      this.pathname = normalizePath(rest, special);
    } else {
      this.opaque = true;
      this.pathname = encodeSet(rest, "");
    }
  }

  get host(): string {
    return this.port ? this.hostname + ":" + this.port : this.hostname;
  }
  get origin(): string {
    return this.protocol in SPECIAL && this.protocol !== "file:" ? this.protocol + "//" + this.host : "null";
  }
  get search(): string {
    return this._search;
  }
  set search(v: string) {
    v = String(v);
    if (v.startsWith("?")) v = v.slice(1);
    this._search = this.encodeQuery(v);
  }
  get searchParams(): URLSearchParams {
    return new URLSearchParams(this._search);
  }
  get href(): string {
    let auth = "";
    if (this.hostname || this.protocol === "file:" || this.protocol in SPECIAL) {
      const cred = this.username || this.password ? this.username + (this.password ? ":" + this.password : "") + "@" : "";
      auth = "//" + cred + this.host;
    }
    return this.protocol + auth + this.pathname + this._search + this.hash;
  }
  toString(): string {
    return this.href;
  }
  toJSON(): string {
    return this.href;
  }
}

function decodeForm(s: string): string {
  s = s.replace(/\+/g, " ");
  try {
    return decodeURIComponent(s);
  } catch {
    return s.replace(/%([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  }
}

function encodeForm(s: string): string {
  let out = "";
  for (const ch of s) {
    if (/[A-Za-z0-9*\-._]/.test(ch)) out += ch;
    else if (ch === " ") out += "+";
    else {
      const c = ch.codePointAt(0)!;
      out += c < 0x80 ? "%" + c.toString(16).toUpperCase().padStart(2, "0") : utf8(ch);
    }
  }
  return out;
}

export class URLSearchParams {
  private list: [string, string][] = [];

  constructor(init?: string | Record<string, string> | Iterable<[string, string]> | URLSearchParams) {
    if (init == null) return;
    if (typeof init === "string") {
      const s = init.startsWith("?") ? init.slice(1) : init;
      for (const part of s.split("&")) {
        if (part === "") continue;
        const eq = part.indexOf("=");
        this.list.push(eq < 0 ? [decodeForm(part), ""] : [decodeForm(part.slice(0, eq)), decodeForm(part.slice(eq + 1))]);
      }
    } else if (typeof (init as any)[Symbol.iterator] === "function") {
      for (const [k, v] of init as Iterable<[string, string]>) this.list.push([String(k), String(v)]);
    } else {
      for (const k of Object.keys(init)) this.list.push([k, String((init as any)[k])]);
    }
  }
  get size(): number {
    return this.list.length;
  }
  append(k: string, v: string): void {
    this.list.push([String(k), String(v)]);
  }
  delete(k: string, v?: string): void {
    this.list = this.list.filter(([a, b]) => a !== k || (v !== undefined && b !== String(v)));
  }
  get(k: string): string | null {
    const e = this.list.find(([a]) => a === k);
    return e ? e[1] : null;
  }
  getAll(k: string): string[] {
    return this.list.filter(([a]) => a === k).map(([, b]) => b);
  }
  has(k: string, v?: string): boolean {
    return this.list.some(([a, b]) => a === k && (v === undefined || b === String(v)));
  }
  set(k: string, v: string): void {
    const i = this.list.findIndex(([a]) => a === k);
    if (i < 0) {
      this.list.push([String(k), String(v)]);
      return;
    }
    this.list[i] = [String(k), String(v)];
    this.list = this.list.filter(([a], j) => a !== k || j <= i);
  }
  sort(): void {
    this.list.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
  forEach(fn: (v: string, k: string, p: URLSearchParams) => void): void {
    for (const [k, v] of this.list) fn(v, k, this);
  }
  keys(): IterableIterator<string> {
    return this.list.map(([k]) => k)[Symbol.iterator]();
  }
  values(): IterableIterator<string> {
    return this.list.map(([, v]) => v)[Symbol.iterator]();
  }
  entries(): IterableIterator<[string, string]> {
    return this.list.map(([k, v]) => [k, v] as [string, string])[Symbol.iterator]();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
  toString(): string {
    return this.list.map(([k, v]) => encodeForm(k) + "=" + encodeForm(v)).join("&");
  }
}

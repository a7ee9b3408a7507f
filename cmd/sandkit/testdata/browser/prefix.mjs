// examples/todo served by sandkit serve --apps --path-prefix, t.base being
// http://HOST/todo: the page hydrates from assets under the prefix, links,
// forms, client navigation and redirects stay under it, and a public/
// file is served under it.

const prefix = () => new URL(globalThis.__base).pathname; // "/todo"

function track(page) {
  const log = { documents: [], json: [], outside: [], failed: [] };
  page.on('response', (r) => {
    if (r.status() >= 400) log.failed.push(r.status() + ' ' + new URL(r.url()).pathname);
  });
  page.on('request', (r) => {
    const u = new URL(r.url());
    // Chromium asks for /favicon.ico at the root by itself.
    if (!u.pathname.startsWith(prefix() + '/') && u.pathname !== prefix() && u.pathname !== '/favicon.ico') log.outside.push(r.method() + ' ' + u.pathname);
    if (r.resourceType() === 'document') log.documents.push(r.method() + ' ' + u.pathname);
    else if ((r.headers()['accept'] || '').includes('application/json')) log.json.push(r.method() + ' ' + u.pathname);
  });
  return log;
}

async function hydrated(page) {
  await page.waitForFunction(() => !!window.__sandkit_router, null, { timeout: 10000 });
}

export default async function (t) {
  globalThis.__base = t.base;
  const p = prefix();

  // 1. Without JavaScript: links and the form's action carry the prefix,
  // and the post-then-redirect lands under it.
  {
    const page = await t.newPage({ javaScript: false });
    const resp = await page.goto(t.base + '/todos');
    t.check(resp.status() === 200, `GET ${p}/todos: ${resp.status()}`);
    t.check((await page.getAttribute('form', 'action')) === p + '/todos', `no-JS form action: ${await page.getAttribute('form', 'action')}`);
    t.check((await page.getAttribute('nav a:has-text("Todos")', 'href')) === p + '/todos', 'the nav link has no prefix');
    await page.fill('input[name=title]', 'posted without JavaScript');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    t.check(new URL(page.url()).pathname === p + '/todos', `after the no-JS post (a 303): ${page.url()}`);
    t.check(await page.isVisible('text=posted without JavaScript'), 'the no-JS form did not add the todo');
    await t.screenshot(page, 'prefix-nojs');
    await page.context().close();
  }

  // 2. With JavaScript: every request stays under the prefix.
  const page = await t.newPage();
  const log = track(page);
  const resp = await page.goto(t.base + '/');
  t.check(resp.status() === 200, `GET ${p}/: ${resp.status()}`);
  await hydrated(page);
  await page.evaluate(() => { window.__noReload = true; });
  log.documents.length = 0;

  // A <Link> navigates in the browser, fetching JSON under the prefix.
  await page.click('main a:has-text("todo list")');
  await page.waitForURL((u) => u.pathname === p + '/todos');
  await page.waitForSelector('h1:has-text("Todos")');
  t.check(await page.isVisible('text=posted without JavaScript'), 'the list after client navigation lacks the todo');
  t.check(log.json.includes('GET ' + p + '/todos'), `the link did not fetch its JSON under the prefix: ${log.json}`);

  // A form posted by fetch, then revalidated.
  await page.fill('input[name=title]', 'added with JavaScript');
  await page.click('button[type=submit]');
  await page.waitForSelector('text=added with JavaScript');
  t.check(log.json.includes('POST ' + p + '/todos'), `the form did not post under the prefix: ${log.json}`);

  // Into a todo and back with links.
  await page.click('a:has-text("added with JavaScript")');
  await page.waitForURL((u) => /\/todos\/\d+$/.test(u.pathname) && u.pathname.startsWith(p + '/'));
  await page.click('button:has-text("Mark done")');
  await page.waitForSelector('button:has-text("Mark not done")');

  // A redirect answered to the runtime (GET /todos/ is redirected to
  // /todos) keeps the prefix: X-Sandkit-Redirect, then the router.
  await page.evaluate(() => window.__sandkit_router.navigate('/todos/'));
  await page.waitForURL((u) => u.pathname === p + '/todos');
  await page.waitForSelector('h1:has-text("Todos")');

  t.check(await page.evaluate(() => window.__noReload === true), 'the JavaScript session reloaded the page');
  t.check(log.documents.length === 0, `the JavaScript session fetched documents: ${log.documents}`);
  t.check(log.outside.length === 0, `requests outside ${p}: ${log.outside}`);
  // The only failure allowed: Chromium's own /favicon.ico at the root,
  // which no app is served at (the console shows it as a 404).
  t.check(log.failed.every((f) => f === '404 /favicon.ico'), `failed requests: ${log.failed}`);
  await t.screenshot(page, 'prefix-js');

  // A file under public/.
  const fav = await page.goto(t.base + '/favicon.ico');
  t.check(fav.status() === 200 && (fav.headers()['content-type'] || '').includes('icon'), `GET ${p}/favicon.ico: ${fav.status()} ${fav.headers()['content-type']}`);
}

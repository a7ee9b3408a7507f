// examples/todo in Chromium: server-rendered pages, hydration, client
// navigation that fetches only JSON, forms with and without JavaScript,
// the error and 404 pages. Screenshots go to t.out.

// documentRequests records the HTML documents and JSON data the page fetches.
function track(page) {
  const log = { documents: [], json: [] };
  page.on('request', (r) => {
    if (r.resourceType() === 'document') log.documents.push(r.method() + ' ' + new URL(r.url()).pathname);
    else if ((r.headers()['accept'] || '').includes('application/json')) log.json.push(r.method() + ' ' + new URL(r.url()).pathname);
  });
  return log;
}

async function hydrated(page) {
  await page.waitForFunction(() => !!window.__sandkit_router, null, { timeout: 10000 });
}

export default async function (t) {
  // 1. Without JavaScript: the server's HTML is the page.
  {
    const page = await t.newPage({ javaScript: false });
    const resp = await page.goto(t.base + '/todos');
    t.check(resp.status() === 200, `GET /todos: ${resp.status()}`);
    t.check((await page.textContent('h1')) === 'Todos', 'no-JS /todos has no Todos heading');
    t.check((await page.title()) === 'Todos (1) · todo', `no-JS title: ${await page.title()}`);
    t.check(await page.isVisible('text=seeded'), 'the seeded todo is not in the server HTML');
    await page.fill('input[name=title]', 'written without JavaScript');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    t.check(new URL(page.url()).pathname === '/todos', `after the no-JS post: ${page.url()}`);
    t.check(await page.isVisible('text=written without JavaScript'), 'the no-JS form did not add the todo');
    await page.fill('input[name=title]', '');
    const refused = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    const st = refused[0] && refused[0].status();
    t.check(st === 422, `an empty title without JavaScript: status ${st}, want 422`);
    t.check(await page.isVisible('text=a todo needs a title'), 'the no-JS validation error is not shown');
    await t.screenshot(page, 'todo-nojs-refused');
    await page.context().close();
  }

  // 2. With JavaScript: hydration, then client navigation with JSON only.
  const page = await t.newPage();
  const log = track(page);
  const resp = await page.goto(t.base + '/todos');
  t.check(resp.status() === 200, `GET /todos: ${resp.status()}`);
  await hydrated(page);
  await t.screenshot(page, 'todo-list');
  await page.evaluate(() => { window.__noReload = true; });
  log.documents.length = 0;
  await page.click('a:has-text("seeded")');
  await page.waitForURL('**/todos/1');
  await page.waitForSelector('h1:has-text("seeded")');
  t.check(await page.evaluate(() => window.__noReload === true), 'following a link reloaded the page');
  t.check(log.documents.length === 0, `following a link fetched documents: ${log.documents}`);
  t.check(log.json.includes('GET /todos/1'), `following a link did not fetch its JSON: ${log.json}`);
  t.check((await page.title()) === 'seeded · todo', `title after navigation: ${await page.title()}`);
  await t.screenshot(page, 'todo-item');

  // A form with JavaScript: posted by fetch, data revalidated, no reload.
  await page.click('button:has-text("Mark done")');
  await page.waitForSelector('button:has-text("Mark not done")');
  t.check(await page.evaluate(() => window.__noReload === true), 'the done form reloaded the page');
  t.check(log.json.includes('POST /todos/1'), `the done form did not post JSON: ${log.json}`);
  await page.click('a:has-text("Back to the list")');
  await page.waitForURL('**/todos');
  await page.fill('input[name=title]', 'added with JavaScript');
  await page.click('button[type=submit]');
  await page.waitForSelector('text=added with JavaScript');
  t.check(await page.evaluate(() => window.__noReload === true), 'the add form reloaded the page');
  await page.fill('input[name=title]', 'added with JavaScript');
  await page.click('button[type=submit]');
  await page.waitForSelector('text=already exists');
  t.check(log.documents.length === 0, `the JavaScript session fetched documents: ${log.documents}`);
  await t.screenshot(page, 'todo-list-after-forms');

  // 3. Error pages, server-rendered.
  const boom = await page.goto(t.base + '/boom');
  t.check(boom.status() === 500, `GET /boom: ${boom.status()}, want 500`);
  t.check(await page.isVisible('h1:has-text("Something went wrong")'), 'error.tsx not shown for /boom');
  t.check(!(await page.isVisible('text=this page always fails')), 'a production error page shows what the page threw');
  await t.screenshot(page, 'todo-error');
  const missing = await page.goto(t.base + '/todos/999');
  t.check(missing.status() === 404, `GET /todos/999: ${missing.status()}, want 404`);
  t.check(await page.isVisible('text=no todo 999'), 'error.tsx not shown for a missing todo');
  const nope = await page.goto(t.base + '/no/such/page');
  t.check(nope.status() === 404, `GET /no/such/page: ${nope.status()}, want 404`);
  t.check(await page.isVisible('text=Nothing at'), '404.tsx not shown');
  await hydrated(page);
  await t.screenshot(page, 'todo-404');
}

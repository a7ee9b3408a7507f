// Drives examples/pages, served by TestPagesClientInBrowser, in Debian's
// headless Chromium: hydration without mismatch, client navigation that
// fetches only JSON, stylesheets of lazily loaded routes, a form refused
// (422) and accepted (303) without a reload, unknown URLs asked of the
// server, error and 404 pages.
//
//   node pages.mjs BASE_URL
//
// Prints one JSON line {"failures": [...], "console": [...]}.
import { chromium } from 'playwright-core';

const base = process.argv[2];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const failures = [];
const consoleMessages = [];
const check = (cond, msg) => { if (!cond) failures.push(msg); };

async function newPage() {
  const page = await (await browser.newContext()).newPage();
  page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text(), url: page.url() }));
  page.on('pageerror', (e) => consoleMessages.push({ type: 'pageerror', text: String(e), url: page.url() }));
  return page;
}
const hydrated = (page) => page.waitForFunction(() => !!window.__sandkit_router, null, { timeout: 10000 });
const documents = [];

try {
  const page = await newPage();
  page.on('request', (r) => { if (r.resourceType() === 'document') documents.push(r.url()); });

  // 1. Server-rendered, then hydrated.
  let resp = await page.goto(base + '/');
  check(resp.status() === 200, `/: status ${resp.status()}`);
  await hydrated(page);
  check(await page.title() === 'Home · sandkit pages', `/: title ${await page.title()}`);
  await page.evaluate(() => { window.__marker = 'same document'; });

  // 2. Client navigation to a section with its own layout and stylesheet.
  await page.click('nav >> text=Posts');
  await page.waitForSelector('h1:text("Posts")');
  check(await page.evaluate(() => getComputedStyle(document.querySelector('.posts')).display) === 'grid',
    'posts.css not applied after client navigation');
  check(await page.title() === 'Posts · sandkit pages', `/posts: title ${await page.title()}`);

  // 3. A route with a handler: its JSON is fetched with Accept: application/json.
  const json = page.waitForResponse((r) => r.url().endsWith('/posts/2') && r.request().headers()['accept'] === 'application/json');
  await page.click('section >> text=Nested layouts');
  const r2 = await json;
  check(r2.headers()['content-type'].startsWith('application/json'), 'post JSON content type');
  await page.waitForSelector('h1:text("Second post from JSON")');
  check(await page.title() === 'Second post from JSON · sandkit pages', `/posts/2: title ${await page.title()}`);

  // 4. A form posted by fetch; the handler redirects; no reload.
  await page.click('nav >> text=Write');
  await page.waitForSelector('form');
  await page.fill('input[name=title]', '!');
  await page.click('button[type=submit]');
  await page.waitForSelector('p.error:text("title needs letters")');
  check(await page.inputValue('input[name=title]') === '!', 'the refused title is not in the form again');
  check(new URL(page.url()).pathname === '/posts/new', `after a refused form: ${page.url()}`);
  await page.fill('input[name=title]', 'Hello form');
  await page.click('button[type=submit]');
  await page.waitForSelector('h1:text("Hello form")');
  check(new URL(page.url()).pathname === '/posts/3', `after the form: ${page.url()}`);
  check(await page.evaluate(() => window.__marker) === 'same document', 'the page reloaded during navigation');
  check(documents.length === 1, `documents loaded before step 5: ${documents.join(', ')}`);

  // 5. A URL no page matches is asked of the server with a document request:
  // a file under public/ is served, anything else gets the 404 page.
  await page.evaluate(() => window.__sandkit_router.navigate('/robots.txt'));
  await page.waitForFunction(() => document.body && document.body.innerText.includes('User-agent'));
  // Back to a URL whose JSON was fetched: the document, not the JSON.
  await page.goBack();
  await hydrated(page);
  check(await page.textContent('h1') === 'Hello form', `after Back: ${await page.textContent('body')}`);
  await page.evaluate(() => window.__sandkit_router.navigate('/missing/page'));
  await page.waitForSelector('h1:text("Not found")');
  check(documents.at(-1).endsWith('/missing/page'), `no document request for /missing/page: ${documents.join(', ')}`);

  // 6. Error and 404 pages hydrate too.
  const p2 = await newPage();
  resp = await p2.goto(base + '/posts/boom');
  check(resp.status() === 500, `/posts/boom: status ${resp.status()}`);
  await hydrated(p2);
  check((await p2.textContent('h1')) === 'Something went wrong', '/posts/boom: no error page');
  resp = await p2.goto(base + '/no/such/page');
  check(resp.status() === 404, `/no/such/page: status ${resp.status()}`);
  await hydrated(p2);
  check((await p2.textContent('h1')) === 'Not found', '/no/such/page: no 404 page');

  // 7. A page with server rendering off renders in the browser.
  await p2.goto(base + '/about');
  await p2.waitForSelector('h1:text("About, in the browser")');
  check(await p2.title() === 'About · sandkit pages', `/about: title ${await p2.title()}`);

  // 8. Without JavaScript the form still posts and follows the redirect.
  const p3 = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await p3.goto(base + '/posts/new');
  await p3.fill('input[name=title]', 'No JS');
  await p3.click('button[type=submit]');
  await p3.waitForSelector('h1:text("No JS")');
} catch (e) {
  failures.push('scenario threw: ' + (e && e.stack ? e.stack : String(e)));
} finally {
  await browser.close();
}
console.log(JSON.stringify({ failures, console: consoleMessages }));
process.exit(failures.length ? 1 : 0);

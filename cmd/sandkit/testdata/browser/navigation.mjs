// testdata/navapp in Chromium: redirects from loaders and actions during
// client navigation, a layout loader's data (the signed-in user) in the
// nav of pages, 404 and error pages, a form posted to another route, a
// fetcher, and field errors from a 422, each with and without JavaScript.

function track(page) {
  const log = { documents: [] };
  page.on('request', (r) => {
    if (r.resourceType() === 'document') log.documents.push(r.method() + ' ' + new URL(r.url()).pathname);
  });
  return log;
}

async function hydrated(page) {
  await page.waitForFunction(() => !!window.__sandkit_router, null, { timeout: 10000 });
}

const who = (page) => page.textContent('#who');

export default async function (t) {
  // 1. With JavaScript.
  const page = await t.newPage();
  const log = track(page);
  await page.goto(t.base + '/');
  await hydrated(page);
  t.check((await who(page)) === 'signed out', `home nav: ${await who(page)}`);
  await page.evaluate(() => { window.__noReload = true; });
  log.documents.length = 0;

  // A link to a page whose loader answers 303: the router follows it.
  await page.click('a:has-text("Private")');
  await page.waitForURL('**/login?next=%2Fprivate');
  await page.waitForSelector('h1:has-text("Log in")');
  await t.screenshot(page, 'js-redirected-to-login');

  // A refused form: field errors from the 422, the value kept.
  await page.fill('input[name=name]', 'two words');
  await page.click('button:has-text("Log in")');
  await page.waitForSelector('#name-error');
  t.check((await page.textContent('#name-error')) === 'name is required, one word', `field error: ${await page.textContent('#name-error')}`);
  t.check((await page.inputValue('input[name=name]')) === 'two words', 'the refused value is not in the form');
  await t.screenshot(page, 'js-field-error');

  // Signing in: the action's 303 goes to next, and the layout's data is loaded again.
  await page.fill('input[name=name]', 'ada');
  await page.click('button:has-text("Log in")');
  await page.waitForURL('**/private');
  await page.waitForSelector('#secret');
  t.check((await page.textContent('#secret')) === 'the secret of ada', `secret: ${await page.textContent('#secret')}`);
  await page.waitForSelector('#who:has-text("signed in as ada")');

  // An error page (the loader answers 500) inside the layout, with its data.
  await page.click('a:has-text("Boom")');
  await page.waitForSelector('h1:has-text("Error 500")');
  t.check((await who(page)) === 'signed in as ada', `error page nav: ${await who(page)}`);

  // A fetcher: posts without navigating; the page's data is revalidated.
  await page.click('a:has-text("Counter")');
  await page.waitForURL('**/counter');
  await page.waitForSelector('#count:has-text("0")');
  await page.click('button:has-text("Add one")');
  await page.waitForSelector('#fetched:has-text("fetcher saw 1")');
  await page.waitForSelector('#count:has-text("1")');
  await page.waitForSelector('#fetcher-state:has-text("idle")');
  t.check(new URL(page.url()).pathname === '/counter', `the fetcher navigated: ${page.url()}`);
  await t.screenshot(page, 'js-fetcher');

  // A form posted to another route (a handler without a page): its 303 is followed.
  await page.click('button:has-text("Log out")');
  await page.waitForURL((u) => new URL(u).pathname === '/');
  await page.waitForSelector('#who:has-text("signed out")');
  t.check(await page.evaluate(() => window.__noReload === true), 'the JavaScript session reloaded the page');
  t.check(log.documents.length === 0, `the JavaScript session fetched documents: ${log.documents}`);
  await t.screenshot(page, 'js-logged-out');

  // The 404 and error documents carry the layout's data too.
  await page.context().addCookies([{ name: 'user', value: 'zed', url: t.base }]);
  const nf = await page.goto(t.base + '/nowhere');
  t.check(nf.status() === 404, `GET /nowhere: ${nf.status()}`);
  await hydrated(page);
  t.check((await page.textContent('h1')) === 'Not found', '404 page not shown');
  t.check((await who(page)) === 'signed in as zed', `404 nav: ${await who(page)}`);
  await t.screenshot(page, 'js-404');
  // The URL of a folder with pages only below it (routes/shop/items): the
  // 404 page, hydrated without its loader sending the browser round again,
  // by document and by client navigation.
  const shop = await page.goto(t.base + '/shop');
  t.check(shop.status() === 404, `GET /shop: ${shop.status()}`);
  await hydrated(page);
  await page.evaluate(() => { window.__shopKept = true; });
  await page.waitForLoadState('networkidle');
  t.check(await page.evaluate(() => window.__shopKept === true), '/shop reloaded after hydrating');
  t.check((await page.textContent('h1')) === 'Not found', `/shop shows ${await page.textContent('h1')}`);
  await page.evaluate(() => window.__sandkit_router.navigate('/shop/items'));
  await page.waitForSelector('#items');
  await page.evaluate(() => window.__sandkit_router.navigate('/shop'));
  await page.waitForSelector('h1:has-text("Not found")');
  t.check(new URL(page.url()).pathname === '/shop', `client navigation to /shop ended on ${page.url()}`);
  const boom = await page.goto(t.base + '/boom');
  t.check(boom.status() === 500, `GET /boom: ${boom.status()}`);
  await hydrated(page);
  t.check((await who(page)) === 'signed in as zed', `error document nav: ${await who(page)}`);
  t.check((await page.textContent('#message')) === 'the loader failed', 'error message');

  // A layout loader that fails during client navigation: the URL is loaded
  // as a document, whose error page renders inside the layout (its data null).
  await page.goto(t.base + '/');
  await hydrated(page);
  await page.context().addCookies([{ name: 'user', value: 'crash', url: t.base }]);
  const doc = page.waitForResponse((r) => r.request().resourceType() === 'document' && new URL(r.url()).pathname === '/counter');
  await page.click('a:has-text("Counter")');
  const crashed = await doc;
  t.check(crashed.status() === 503, `document after a failing layout loader: ${crashed.status()}`);
  await page.waitForSelector('h1:has-text("Error 503")');
  t.check((await page.textContent('#message')) === 'the session store is down', `failing layout loader message: ${await page.textContent('#message')}`);
  t.check((await who(page)) === 'signed out', `nav with a failed layout loader: ${await who(page)}`);
  await t.screenshot(page, 'js-layout-loader-failed');
  await page.context().close();

  // 2. Without JavaScript: the same app, by documents and plain forms.
  const nojs = await t.newPage({ javaScript: false });
  const resp = await nojs.goto(t.base + '/private');
  t.check(new URL(nojs.url()).pathname + new URL(nojs.url()).search === '/login?next=%2Fprivate', `no-JS /private ended on ${nojs.url()}`);
  t.check(resp.status() === 200, `no-JS login page: ${resp.status()}`);
  t.check((await who(nojs)) === 'signed out', `no-JS nav: ${await who(nojs)}`);
  await nojs.fill('input[name=name]', 'two words');
  const [refused] = await Promise.all([nojs.waitForNavigation(), nojs.click('button:has-text("Log in")')]);
  t.check(refused && refused.status() === 422, `no-JS refused form: ${refused && refused.status()}, want 422`);
  t.check((await nojs.textContent('#name-error')) === 'name is required, one word', 'no-JS field error not shown');
  t.check((await nojs.inputValue('input[name=name]')) === 'two words', 'no-JS: the refused value is not in the form');
  await t.screenshot(nojs, 'nojs-field-error');
  await nojs.fill('input[name=name]', 'bob');
  await Promise.all([nojs.waitForNavigation(), nojs.click('button:has-text("Log in")')]);
  t.check(new URL(nojs.url()).pathname === '/private', `no-JS login ended on ${nojs.url()}`);
  t.check((await nojs.textContent('#secret')) === 'the secret of bob', 'no-JS private page');
  t.check((await who(nojs)) === 'signed in as bob', `no-JS nav after login: ${await who(nojs)}`);
  // <fetcher.Form> is a plain form without JavaScript: post, then back to the page.
  await nojs.goto(t.base + '/counter');
  await Promise.all([nojs.waitForNavigation(), nojs.click('button:has-text("Add one")')]);
  t.check(new URL(nojs.url()).pathname === '/counter', `no-JS counter ended on ${nojs.url()}`);
  t.check((await nojs.textContent('#count')) === '1', `no-JS count: ${await nojs.textContent('#count')}`);
  // A form posted to another route.
  await Promise.all([nojs.waitForNavigation(), nojs.click('button:has-text("Log out")')]);
  t.check(new URL(nojs.url()).pathname === '/', `no-JS logout ended on ${nojs.url()}`);
  t.check((await who(nojs)) === 'signed out', `no-JS nav after logout: ${await who(nojs)}`);
  await t.screenshot(nojs, 'nojs-logged-out');
  await nojs.context().close();
}

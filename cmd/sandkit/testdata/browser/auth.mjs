// examples/auth in Chromium without JavaScript: the headers a real
// browser sends (Sec-Fetch-Site, Origin) pass the session's cross-site
// check on the app's own forms and fail it on another page's form; flash
// messages show once; log-in sends back to next. Then, with JavaScript,
// the pages hydrate without errors and sign-up and log-out work in place.

export default async function (t) {
  const page = await t.newPage({ javaScript: false });
  const text = async (sel) => ((await page.textContent(sel)) || '').trim();

  // A page for users only sends a visitor to log in.
  let resp = await page.goto(t.base + '/account');
  t.check(new URL(page.url()).pathname === '/login' && new URL(page.url()).searchParams.get('next') === '/account',
    `GET /account before login ended on ${page.url()}`);

  // Sign up, refused first (short password), then accepted.
  await page.goto(t.base + '/signup');
  await page.fill('input[name=email]', 'chromium@example.com');
  await page.fill('input[name=password]', 'short');
  // The browser's own minlength check would stop the post: take it off.
  await page.evaluate(() => document.querySelector('input[name=password]').removeAttribute('minlength'));
  let nav = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  t.check(nav[0] && nav[0].status() === 422, `a short password: status ${nav[0] && nav[0].status()}, want 422`);
  t.check(await page.isVisible('text=must be at least 8 characters'), 'the field error is not shown');
  t.check((await page.inputValue('input[name=email]')) === 'chromium@example.com', 'the email was not refilled');
  t.check((await page.inputValue('input[name=password]')) === '', 'the password was refilled');
  await page.fill('input[name=password]', 'a long enough password');
  nav = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  t.check(new URL(page.url()).pathname === '/account', `after sign-up: ${page.url()}`);
  t.check(await page.isVisible('text=Welcome, chromium@example.com! Your account is ready.'), 'no welcome flash after sign-up');
  await t.screenshot(page, 'auth-signed-up');
  await page.reload();
  t.check(!(await page.isVisible('.flash')), 'the flash is shown again after a reload');

  // The app's own form posts (same-origin as Chromium says) pass.
  await page.fill('input[name=note]', 'from Chromium');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save")')]);
  t.check(await text('.note') === 'from Chromium', `the note after saving: ${await text('.note')}`);
  t.check(await page.isVisible('text=Note saved.'), 'no flash after saving the note');

  // Another page's form (here an about:blank page: Origin null,
  // Sec-Fetch-Site cross-site) is refused and changes nothing.
  const evil = await page.context().newPage();
  await evil.setContent(`<form method="post" action="${t.base}/account"><input name="note" value="pwned"><button>go</button></form>`);
  const [posted] = await Promise.all([evil.waitForNavigation(), evil.click('button')]);
  t.check(posted && posted.status() === 403, `a cross-site form post: status ${posted && posted.status()}, want 403`);
  await evil.close();
  await page.reload();
  t.check(await text('.note') === 'from Chromium', `the note after a cross-site post: ${await text('.note')}`);

  // Log out, then log in again and land on next.
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Log out")')]);
  t.check(new URL(page.url()).pathname === '/', `after logout: ${page.url()}`);
  t.check(await page.isVisible('text=You have logged out.'), 'no flash after logout');
  await page.goto(t.base + '/account');
  await page.fill('input[name=email]', 'chromium@example.com');
  await page.fill('input[name=password]', 'a wrong password');
  nav = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  t.check(await page.isVisible('text=Wrong email or password.'), 'no message for a wrong password');
  await page.fill('input[name=password]', 'a long enough password');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  t.check(new URL(page.url()).pathname === '/account', `after login with next: ${page.url()}`);
  t.check(await page.isVisible('text=Welcome back, chromium@example.com.'), 'no flash after login');
  await t.screenshot(page, 'auth-logged-in');
  await page.context().close();

  // With JavaScript the pages hydrate (the console is checked by the Go
  // test), and the same forms work without a reload: sign-up redirects to
  // the account page with its flash, log-out (a form posting to another
  // route) goes home with its flash.
  const js = await t.newPage();
  for (const path of ['/', '/login', '/signup']) {
    resp = await js.goto(t.base + path);
    t.check(resp.status() === 200, `GET ${path} with JavaScript: ${resp.status()}`);
    await js.waitForFunction(() => !!window.__sandkit_router, null, { timeout: 10000 });
  }
  await js.evaluate(() => { window.__noReload = true; });
  await js.fill('input[name=email]', 'script@example.com');
  await js.fill('input[name=password]', 'a long enough password');
  await js.click('button[type=submit]');
  await js.waitForURL('**/account', { timeout: 10000 });
  await js.waitForSelector('text=Welcome, script@example.com! Your account is ready.', { timeout: 10000 });
  await js.click('button:has-text("Log out")');
  await js.waitForURL((u) => new URL(u).pathname === '/', { timeout: 10000 });
  await js.waitForSelector('text=You have logged out.', { timeout: 10000 });
  t.check(await js.evaluate(() => window.__noReload === true), 'the forms reloaded the page');
  await t.screenshot(js, 'auth-js-logged-out');
  await js.context().close();
}

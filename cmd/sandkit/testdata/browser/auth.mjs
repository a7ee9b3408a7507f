// examples/auth in Chromium without JavaScript: the headers a real
// browser sends (Sec-Fetch-Site, Origin) pass the session's cross-site
// check on the app's own forms and fail it on another page's form; flash
// messages show once; log-in sends back to next. Then the same with
// JavaScript, in place: sign-up, a link to the login-required page that
// redirects to log in, log-in back to it, the layout's nav and flash, a
// note saved, log-out from the nav, cross-site posts refused, the 404
// page.

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

  // With JavaScript: the pages hydrate (the console is checked by the Go
  // test), and every flow runs in place, by client navigation and the
  // client runtime's forms, without a page reload (window.__noReload
  // would be gone) and without fetching a document.
  const js = await t.newPage();
  const documents = [];
  js.on('request', (r) => {
    if (r.resourceType() === 'document') documents.push(r.method() + ' ' + r.url());
  });
  const hydrated = () => js.waitForFunction(() => !!window.__sandkit_router, null, { timeout: 10000 });
  const url = () => new URL(js.url()).pathname + new URL(js.url()).search;
  const who = () => js.locator('nav .who');
  for (const path of ['/login', '/signup', '/']) {
    resp = await js.goto(t.base + path);
    t.check(resp.status() === 200, `GET ${path} with JavaScript: ${resp.status()}`);
    await hydrated();
  }
  t.check(await js.isVisible('nav a:has-text("Log in")') && (await who().count()) === 0, 'the nav of a visitor does not offer to log in');
  await js.evaluate(() => { window.__noReload = true; });
  documents.length = 0;

  // Sign up: the action's redirect lands on /account, where the layout
  // shows the flash and the nav the user.
  await js.click('nav a:has-text("Sign up")');
  await js.waitForURL('**/signup');
  await js.fill('input[name=email]', 'script@example.com');
  await js.fill('input[name=password]', 'a long enough password');
  await js.click('button:has-text("Create the account")');
  await js.waitForURL('**/account');
  await js.waitForSelector('.flash:has-text("Welcome, script@example.com! Your account is ready.")');
  t.check((await who().textContent()) === 'script@example.com', `the nav after sign-up: ${await js.textContent('nav')}`);

  // Log out with the nav's <Form action="/logout">: home, with the flash,
  // and the nav logged out.
  await js.click('nav button:has-text("Log out")');
  await js.waitForURL((u) => new URL(u).pathname === '/');
  await js.waitForSelector('.flash:has-text("You have logged out.")');
  await js.waitForSelector('nav a:has-text("Log in")');
  t.check((await who().count()) === 0, 'the nav shows a user after logout');

  // A link to the login-required page: its loader redirects, the router
  // follows to /login?next=%2Faccount and renders the login page.
  await js.click('nav a:has-text("Account")');
  await js.waitForURL('**/login?next=%2Faccount');
  await js.waitForSelector('h1:has-text("Log in")');
  t.check(url() === '/login?next=%2Faccount', `the link to /account ended on ${url()}`);
  t.check((await js.inputValue('input[name=next]')) === '/account', `next in the login form: ${await js.inputValue('input[name=next]')}`);
  t.check(!(await js.isVisible('.flash')), 'the logout flash is shown twice');
  await t.screenshot(js, 'auth-js-login-required');

  // A wrong password (422, in place), then the right one: to next, with
  // the flash, the nav showing the user.
  await js.fill('input[name=email]', 'script@example.com');
  await js.fill('input[name=password]', 'a wrong password');
  await js.click('button:has-text("Log in")');
  await js.waitForSelector('.error:has-text("Wrong email or password.")');
  await js.fill('input[name=password]', 'a long enough password');
  await js.click('button:has-text("Log in")');
  await js.waitForURL('**/account');
  await js.waitForSelector('.flash:has-text("Welcome back, script@example.com.")');
  t.check((await who().textContent()) === 'script@example.com', `the nav after login: ${await js.textContent('nav')}`);
  t.check((await js.textContent('main strong')) === 'script@example.com', 'the account page does not show the email');
  await t.screenshot(js, 'auth-js-logged-in');

  // The flash shows once: gone on the next page; the nav keeps the user.
  await js.click('nav a:has-text("Home")');
  await js.waitForSelector('h1:has-text("sandkit auth example")');
  await js.waitForSelector('main p:has-text("Logged in as script@example.com")');
  t.check(!(await js.isVisible('.flash')), 'the login flash is shown twice');
  t.check((await who().textContent()) === 'script@example.com', 'the nav lost the user on the home page');

  // Save a note with the form: the post, then the page and the layout
  // load again (the note, the flash).
  await js.click('main a:has-text("your account")');
  await js.waitForSelector('h1:has-text("Your account")');
  await js.fill('input[name=note]', 'saved by the client');
  await js.click('button:has-text("Save")');
  await js.waitForSelector('.note:has-text("saved by the client")');
  await js.waitForSelector('.flash:has-text("Note saved.")');

  // Links between the pages: the nav keeps the user, the flash is gone.
  for (const [link, heading] of [['Home', 'sandkit auth example'], ['Account', 'Your account'], ['Home', 'sandkit auth example']]) {
    await js.click(`nav a:has-text("${link}")`);
    await js.waitForSelector(`h1:has-text("${heading}")`);
    t.check((await who().textContent()) === 'script@example.com', `the nav on ${url()}: ${await js.textContent('nav')}`);
    t.check(!(await js.isVisible('.flash')), `a flash on ${url()} after the note's was shown`);
  }
  t.check(await js.evaluate(() => window.__noReload === true), 'the JavaScript session reloaded the page');
  t.check(documents.length === 0, `the JavaScript session fetched documents: ${documents}`);

  // Another site's page (http://attacker.test, served by Playwright, no
  // network) posts to /account: a form the visitor clicks, and one its
  // script submits as it loads. Both are refused (403, the session's
  // cookie not sent: SameSite=Lax) and the note is unchanged.
  const attacker = await js.context().newPage();
  const form = `<form method="post" action="${t.base}/account"><input name="note" value="pwned"><button>go</button></form>`;
  await attacker.route('http://attacker.test/*', (r) => r.fulfill({ contentType: 'text/html',
    body: new URL(r.request().url()).pathname === '/auto' ? form + '<script>document.forms[0].submit()</script>' : form }));
  await attacker.goto('http://attacker.test/click');
  const [clicked] = await Promise.all([attacker.waitForNavigation(), attacker.click('button')]);
  t.check(clicked && clicked.status() === 403, `a cross-site form post: status ${clicked && clicked.status()}, want 403`);
  const auto = attacker.waitForResponse((r) => r.url() === t.base + '/account' && r.request().method() === 'POST');
  await attacker.goto('http://attacker.test/auto');
  t.check((await auto).status() === 403, `a cross-site post by the attacker's script: status ${(await auto).status()}, want 403`);
  await attacker.close();
  await js.click('nav a:has-text("Account")');
  await js.waitForSelector('h1:has-text("Your account")');
  t.check((await js.textContent('.note')) === 'saved by the client', `the note after the cross-site posts: ${await js.textContent('.note')}`);

  // A URL no page has: the 404 page, inside the layout, whose nav knows
  // the user; from there, log out in place.
  resp = await js.goto(t.base + '/no/such/page');
  t.check(resp.status() === 404, `GET /no/such/page: ${resp.status()}`);
  await hydrated();
  t.check((await js.textContent('h1')) === 'Not found', `the 404 page: ${await js.textContent('h1')}`);
  t.check((await who().textContent()) === 'script@example.com', `the nav on the 404 page: ${await js.textContent('nav')}`);
  await t.screenshot(js, 'auth-js-404');
  await js.evaluate(() => { window.__noReload = true; });
  documents.length = 0;
  await js.click('nav button:has-text("Log out")');
  await js.waitForURL((u) => new URL(u).pathname === '/');
  await js.waitForSelector('.flash:has-text("You have logged out.")');
  await js.waitForSelector('nav a:has-text("Log in")');
  t.check((await who().count()) === 0, 'the nav shows a user after logout');
  t.check(await js.evaluate(() => window.__noReload === true), 'logging out from the 404 page reloaded it');
  t.check(documents.length === 0, `logging out from the 404 page fetched documents: ${documents}`);
  await t.screenshot(js, 'auth-js-logged-out');
  await js.context().close();
}

// examples/conduit in Chromium, the RealWorld flow twice: with JavaScript
// (forms and links without a page reload) and without (plain forms and
// links). Each time: sign up, write an article (its Markdown body carries a
// <script>, an onerror attribute and a javascript: link, none of which may
// run), see it on the home page and on the profile; a second user
// favorites it, comments, follows the author and sees it in "Your Feed";
// signing out shows the visitor's navbar again. Then, with more articles
// than a page holds, the home page's page links, both ways.

export default async function (t) {
  for (const js of [true, false]) {
    await flow(t, js);
  }
  await seedArticles(t, pageTestCount);
  for (const js of [true, false]) {
    await pagination(t, js);
  }
}

// pageTestCount articles are written for the pagination check: a page of
// 20 and 5 more.
const pageTestCount = 25;
const pageTitle = (i) => `Page test ${String(i).padStart(2, '0')}`;

// seedArticles writes n articles through the API (the browser is not what
// is tested here), one user's, oldest first: pageTitle(1) ... pageTitle(n).
async function seedArticles(t, n) {
  const api = async (path, body, token) => {
    const res = await fetch(t.base + '/api' + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: 'Token ' + token } : {}) },
      body: JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`POST /api${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const { user } = await api('/users', { user: { username: 'pager', email: 'pager@example.com', password: 'a good password' } });
  for (let i = 1; i <= n; i++) {
    await api('/articles', { article: { title: pageTitle(i), description: 'To fill pages', body: `Article ${i}.` } }, user.token);
  }
}

// pagination: the home page shows the 20 newest articles and links to
// page 2, which shows the 5 older ones; the links work by client
// navigation with JavaScript and as plain links without.
async function pagination(t, js) {
  const tag = js ? 'js' : 'nojs';
  const p = await t.newPage({ javaScript: js });
  const titles = () => p.$$eval('.article-preview h1', (l) => l.map((x) => x.textContent));
  const pageLinks = () => p.$$eval('ul.pagination a.page-link', (l) => l.map((x) => [x.textContent, x.getAttribute('href')]));
  const active = () => p.$$eval('ul.pagination li.active', (l) => l.map((x) => x.textContent));
  const newest = [];
  for (let i = pageTestCount; i > pageTestCount - 20; i--) newest.push(pageTitle(i));
  const older = [];
  for (let i = pageTestCount - 20; i >= 1; i--) older.push(pageTitle(i));

  await p.goto(t.base + '/');
  if (js) {
    await p.waitForFunction(() => !!window.__sandkit_router, null, { timeout: 10000 });
    await p.evaluate(() => { window.__noReload = true; });
  }
  let got = await titles();
  t.check(JSON.stringify(got) === JSON.stringify(newest), `${tag}: page 1 shows ${JSON.stringify(got)}, want the 20 newest`);
  const links = await pageLinks();
  t.check(JSON.stringify(links) === JSON.stringify([['1', '/'], ['2', '/?page=2']]), `${tag}: page links ${JSON.stringify(links)}`);
  t.check(JSON.stringify(await active()) === '["1"]', `${tag}: page 1: active page link ${JSON.stringify(await active())}`);
  await t.screenshot(p, `${tag}-pages-1`);

  const click = (text) => {
    const link = p.locator('ul.pagination a.page-link', { hasText: new RegExp(`^${text}$`) });
    return js ? link.click() : Promise.all([p.waitForNavigation(), link.click()]);
  };
  await click('2');
  try {
    await p.waitForFunction((first) => document.querySelector('.article-preview h1')?.textContent === first, older[0], { timeout: 10000 });
  } catch {
    t.check(false, `${tag}: page 2 did not show ${older[0]} first`);
  }
  t.check(new URL(p.url()).search === '?page=2', `${tag}: page 2 on ${p.url()}`);
  got = await titles();
  t.check(JSON.stringify(got) === JSON.stringify(older), `${tag}: page 2 shows ${JSON.stringify(got)}, want ${JSON.stringify(older)}`);
  t.check(JSON.stringify(await active()) === '["2"]', `${tag}: page 2: active page link ${JSON.stringify(await active())}`);
  await t.screenshot(p, `${tag}-pages-2`);

  // Back to page 1 by its link; past the last page, no articles but the
  // links back.
  await click('1');
  try {
    await p.waitForFunction((first) => document.querySelector('.article-preview h1')?.textContent === first, newest[0], { timeout: 10000 });
  } catch {
    t.check(false, `${tag}: back on page 1, ${newest[0]} is not first`);
  }
  if (js) {
    t.check(await p.evaluate(() => window.__noReload === true), `${tag}: a page link reloaded the page`);
  }
  await p.goto(t.base + '/?page=9');
  t.check((await titles()).length === 0, `${tag}: page 9 of 2 shows articles`);
  t.check((await pageLinks()).length === 2, `${tag}: page 9 of 2 has no links to pages 1 and 2: ${JSON.stringify(await pageLinks())}`);
  await p.context().close();
}

async function flow(t, js) {
  const tag = js ? 'js' : 'nojs';
  const author = 'ada_' + tag;
  const reader = 'bob_' + tag;
  const title = `Dragons ${tag}`;
  const slug = `dragons-${tag}`;
  let shot = 0;
  const snap = (page, name) => t.screenshot(page, `${tag}-${String(++shot).padStart(2, '0')}-${name}`);

  // submit clicks a submit button: without JavaScript the browser loads
  // the answer as a new document; with it the client runtime posts and
  // navigates in place, and the caller waits for what should change.
  async function submit(page, selector) {
    if (js) {
      await page.click(selector);
    } else {
      await Promise.all([page.waitForNavigation(), page.click(selector)]);
    }
  }
  async function ready(page) {
    if (js) await page.waitForFunction(() => !!window.__sandkit_router, null, { timeout: 10000 });
  }
  async function visible(page, selector, what) {
    try {
      await page.waitForSelector(selector, { timeout: 10000 });
      return true;
    } catch {
      t.check(false, `${tag}: ${what}: ${selector} not shown on ${page.url()}`);
      return false;
    }
  }
  async function signUp(page, name) {
    await page.goto(t.base + '/register');
    await ready(page);
    // Refused first: a password that is too short, shown as a message,
    // the name and email filled in again.
    await page.fill('input[name=username]', name);
    await page.fill('input[name=email]', `${name}@example.com`);
    await page.fill('input[name=password]', 'short');
    await submit(page, 'button[type=submit]');
    await visible(page, '.error-messages li:has-text("password is too short")', 'a short password');
    t.check((await page.inputValue('input[name=username]')) === name, `${tag}: the username was not filled in again`);
    await page.fill('input[name=email]', `${name}@example.com`);
    await page.fill('input[name=password]', 'a good password');
    await submit(page, 'button[type=submit]');
    await visible(page, `.navbar a.nav-link:has-text("${name}")`, `the navbar after signing up as ${name}`);
    t.check(new URL(page.url()).pathname === '/', `${tag}: after sign-up on ${page.url()}`);
  }

  // 1. The author signs up.
  const a = await t.newPage({ javaScript: js });
  await signUp(a, author);
  if (js) await a.evaluate(() => { window.__noReload = true; });
  await snap(a, 'signed-up');

  // 2. The author writes an article.
  await a.click('a.nav-link:has-text("New Article")');
  if (!js) await a.waitForLoadState();
  await visible(a, 'input[name=title]', 'the editor');
  await a.fill('input[name=title]', title);
  await a.fill('input[name=description]', 'How to train them');
  await a.fill('textarea[name=body]',
    '## Very carefully\n\nWith *patience*.\n\n<script>window.__xss = "script"</script>\n\n' +
    '<img src="x" onerror="window.__xss = \'img\'">\n\n[a link](javascript:window.__xss=\'link\')');
  await a.fill('input[name=tags]', `dragons ${tag}`);
  await submit(a, 'button:has-text("Publish Article")');
  await visible(a, `.article-page h1:has-text("${title}")`, 'the new article');
  t.check(new URL(a.url()).pathname === `/article/${slug}`, `${tag}: after publishing on ${a.url()}`);
  await visible(a, '.article-body h2:has-text("Very carefully")', 'the Markdown body');
  const body = await a.innerHTML('.article-body');
  t.check(!/<script|onerror|javascript:/i.test(body), `${tag}: the article body keeps something unsafe: ${body}`);
  const hrefs = await a.$$eval('.article-body a', (l) => l.map((x) => x.getAttribute('href')));
  t.check(hrefs.every((h) => !/^\s*javascript:/i.test(h || '')), `${tag}: link hrefs ${JSON.stringify(hrefs)}`);
  if (js) {
    // The link's href was emptied (clicking it reloads the page): what
    // could run is the script and the onerror handler, on render.
    t.check(await a.evaluate(() => window.__xss === undefined), `${tag}: the article's script ran`);
  }
  await snap(a, 'article');

  // 3. It is on the home page and on the author's profile.
  await a.click('.navbar a.nav-link:has-text("Home")');
  await visible(a, `.article-preview h1:has-text("${title}")`, 'the article on the home page');
  await visible(a, `.sidebar .tag-list a:has-text("${tag}")`, 'the popular tags');
  await snap(a, 'home');
  await a.click(`.navbar a.nav-link:has-text("${author}")`);
  await visible(a, `.profile-page .user-info h4:has-text("${author}")`, 'the profile');
  await visible(a, `.article-preview h1:has-text("${title}")`, 'the article on the profile');
  await snap(a, 'profile');

  // 4. A second user favorites it, comments and follows the author.
  const b = await t.newPage({ javaScript: js });
  await signUp(b, reader);
  await b.goto(t.base + `/article/${slug}`);
  await ready(b);
  await submit(b, '.banner button:has-text("Favorite Article")');
  await visible(b, '.banner button:has-text("Unfavorite Article")', 'the favorite');
  t.check((await b.textContent('.banner .counter')) === '(1)', `${tag}: favorites count ${await b.textContent('.banner .counter')}`);
  await b.fill('textarea[name=body]', 'Great read, thanks!');
  await submit(b, 'button:has-text("Post Comment")');
  await visible(b, '.card .card-text:has-text("Great read, thanks!")', 'the comment');
  t.check((await b.inputValue('textarea[name=body]')) === '', `${tag}: the comment box was not emptied`);
  await submit(b, `.banner button:has-text("Follow ${author}")`);
  await visible(b, `.banner button:has-text("Unfollow ${author}")`, 'the follow');
  await snap(b, 'favorited-commented-followed');

  // 5. The article is in the reader's feed, and in their favorites.
  await b.click('.navbar a.nav-link:has-text("Home")');
  await visible(b, 'a.nav-link:has-text("Your Feed")', 'the Your Feed tab');
  await b.click('a.nav-link:has-text("Your Feed")');
  await visible(b, 'a.nav-link.active:has-text("Your Feed")', 'Your Feed shown');
  await visible(b, `.article-preview h1:has-text("${title}")`, 'the article in Your Feed');
  t.check((await b.$$('.article-preview h1')).length === 1, `${tag}: Your Feed holds other users' articles`);
  await snap(b, 'your-feed');
  await b.goto(t.base + `/profile/${reader}/favorites`);
  await visible(b, `.article-preview h1:has-text("${title}")`, 'the article in the favorites');

  // The reader deletes the comment (only theirs has a Delete button).
  await b.goto(t.base + `/article/${slug}`);
  await ready(b);
  await b.fill('textarea[name=body]', 'A second thought.');
  await submit(b, 'button:has-text("Post Comment")');
  await visible(b, '.card .card-text:has-text("A second thought.")', 'the second comment');
  await submit(b, '.card:has-text("A second thought.") button:has-text("Delete")');
  try {
    await b.waitForSelector('.card .card-text:has-text("A second thought.")', { state: 'detached', timeout: 10000 });
  } catch {
    t.check(false, `${tag}: the deleted comment is still shown`);
  }

  // The author sees the comment and the favorite (following in place).
  await a.click(`.article-preview a.preview-link:has-text("${title}")`);
  await visible(a, '.card .card-text:has-text("Great read, thanks!")', 'the comment, for the author');
  await visible(a, '.banner .article-meta a:has-text("Edit Article")', "the author's Edit button");
  t.check(!(await a.isVisible('button:has-text("Follow")')), `${tag}: the author can follow themselves`);
  t.check(!(await a.isVisible('.card button:has-text("Delete")')), `${tag}: the author can delete the reader's comment`);
  if (js) {
    t.check(await a.evaluate(() => window.__noReload === true), `${tag}: the author's page reloaded`);
  }

  // 6. The reader changes their bio on the settings page (a taken email
  // is refused first), then signs out there: the visitor's navbar again.
  await b.click('.navbar a.nav-link:has-text("Settings")');
  await visible(b, 'button:has-text("Or click here to logout.")', 'the settings page');
  await b.fill('input[name=email]', `${author}@example.com`);
  await submit(b, 'button:has-text("Update Settings")');
  await visible(b, '.error-messages li:has-text("email has already been taken")', 'a taken email');
  await b.fill('input[name=email]', `${reader}@example.com`);
  await b.fill('textarea[name=bio]', 'I read about dragons.');
  await submit(b, 'button:has-text("Update Settings")');
  await visible(b, '.user-info p:has-text("I read about dragons.")', 'the new bio on the profile');
  await visible(b, '.flash:has-text("Your settings are saved.")', 'the flash after saving the settings');
  await b.click('.navbar a.nav-link:has-text("Settings")');
  await visible(b, 'button:has-text("Or click here to logout.")', 'the settings page');
  await submit(b, 'button:has-text("Or click here to logout.")');
  await visible(b, '.navbar a.nav-link:has-text("Sign in")', 'the navbar after signing out');
  t.check(!(await b.isVisible(`.navbar a:has-text("${reader}")`)), `${tag}: still signed in after signing out`);
  await b.goto(t.base + '/settings');
  t.check(new URL(b.url()).pathname === '/login', `${tag}: /settings after signing out ended on ${b.url()}`);
  await snap(b, 'signed-out');

  // Signing in again (the email in another case) goes back to /settings.
  await ready(b);
  await b.fill('input[name=email]', `${reader.toUpperCase()}@example.com`);
  await b.fill('input[name=password]', 'a wrong password');
  await submit(b, 'button:has-text("Sign in")');
  await visible(b, '.error-messages li:has-text("email or password is invalid")', 'a wrong password');
  await b.fill('input[name=password]', 'a good password');
  await submit(b, 'button:has-text("Sign in")');
  await visible(b, `.navbar a.nav-link:has-text("${reader}")`, 'the navbar after signing in');
  t.check(new URL(b.url()).pathname === '/settings', `${tag}: after signing in with next on ${b.url()}`);

  // 7. The author deletes the article: gone from the home page.
  await submit(a, '.banner button:has-text("Delete Article")');
  await visible(a, '.flash:has-text("The article is deleted.")', 'the flash after deleting');
  t.check(new URL(a.url()).pathname === '/', `${tag}: after deleting on ${a.url()}`);
  t.check(!(await a.isVisible(`.article-preview h1:has-text("${title}")`)), `${tag}: the deleted article is on the home page`);
  const gone = await a.goto(t.base + `/article/${slug}`);
  t.check(gone.status() === 404, `${tag}: the deleted article answers ${gone.status()}`);
  await snap(a, 'deleted');
  await a.context().close();
  await b.context().close();
}

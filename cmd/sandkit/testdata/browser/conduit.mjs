// examples/conduit in Chromium, the RealWorld flow twice: with JavaScript
// (forms and links without a page reload) and without (plain forms and
// links). Each time: sign up, write an article (its Markdown body carries a
// <script>, an onerror attribute and a javascript: link, none of which may
// run), see it on the home page and on the profile; a second user
// favorites it, comments, follows the author and sees it in "Your Feed";
// signing out shows the visitor's navbar again.

export default async function (t) {
  for (const js of [true, false]) {
    await flow(t, js);
  }
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

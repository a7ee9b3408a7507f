// A pages app without routes/404.tsx: an unknown URL shows the built-in 404
// page in Chromium (it was a 500), and a known page still renders.
export default async function (t) {
  const page = await t.newPage();
  const resp = await page.goto(t.base + '/no/such/page');
  t.check(resp.status() === 404, `status ${resp.status()}, want 404`);
  t.check((await page.title()) === '404 Not Found', `title ${JSON.stringify(await page.title())}`);
  const text = await page.textContent('body');
  t.check(text.includes('/no/such/page') && text.includes('routes/404.tsx'), `body is ${JSON.stringify(text)}`);
  await t.screenshot(page, 'builtin-404');
  await page.click('a[href="/"]');
  await page.waitForURL(t.base + '/');
  const home = await page.goto(t.base + '/about');
  t.check(home.status() === 200, `/about: status ${home.status()}`);
}

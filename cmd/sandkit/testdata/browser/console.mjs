// The operator console (sandkit serve --apps --admin-addr): log in, the
// tenants and a chart with points, a rollback from a tenant's page.
export default async function (t) {
  const token = process.env.SANDKIT_CONSOLE_TOKEN;
  const page = await t.newPage();
  let resp = await page.goto(t.base + '/');
  t.check(resp.status() === 401, `GET / without a session: status ${resp.status()}, want 401 (the login form)`);
  await page.fill('input[name=token]', 'wrong');
  await page.click('button[type=submit]');
  t.check((await page.textContent('#error')).includes('not the operator token'), 'a wrong token is not refused');
  await page.fill('input[name=token]', token);
  await Promise.all([page.waitForURL(t.base + '/console'), page.click('button[type=submit]')]);
  await page.waitForSelector('#tenants');
  for (const app of ['alpha', 'beta']) {
    t.check(await page.$(`tr[data-app=${app}]`), `tenant ${app} is not listed`);
  }
  const points = await page.getAttribute('tr[data-app=beta] svg[aria-label="latency p99"]', 'data-points');
  t.check(Number(points) > 0, `beta's latency chart has ${points} points`);
  const line = await page.getAttribute('tr[data-app=beta] svg polyline', 'points');
  t.check(line && line.split(' ').length > 0, 'beta\'s chart has no polyline');
  await t.screenshot(page, 'tenants');

  // Client navigation to beta's page, then the rollback form.
  await page.click('a[href="/console/tenants/beta"]');
  await page.waitForSelector('#versions');
  t.check((await page.textContent('#active')) === 'v2', `beta's active version is ${await page.textContent('#active')}, want v2`);
  await t.screenshot(page, 'beta-before');
  await page.click('tr[data-version=v1] button');
  await page.waitForFunction(() => document.querySelector('#active')?.textContent === 'v1', null, { timeout: 30000 });
  t.check(await page.$('tr[data-version=v2] button'), 'v2 has no activate button after the rollback');
  t.check((await page.textContent('#deploys')).includes('activated'), 'the rollback is not among the deploys');
  await t.screenshot(page, 'beta-after');

  // Logged out, the console is the login form again.
  await Promise.all([page.waitForURL(t.base + '/console'), page.click('header button')]);
  t.check(await page.$('input[name=token]'), 'after logging out the console is not the login form');
}

// Smoke scenario: examples/hello's plain-text routes load in Chromium.
export default async function (t) {
  const page = await t.newPage();
  const resp = await page.goto(t.base + '/hello/Chromium');
  t.check(resp.status() === 200, `status ${resp.status()}, want 200`);
  const text = await page.textContent('body');
  t.check(text.includes('Hello, Chromium!'), `body is ${JSON.stringify(text)}`);
  await t.screenshot(page, 'hello');
}

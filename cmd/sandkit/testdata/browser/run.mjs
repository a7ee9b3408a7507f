// Runs one browser scenario against a sandkit server in Debian's headless
// Chromium, for the Go end-to-end tests.
//
//   node run.mjs SCENARIO.mjs BASE_URL OUT_DIR
//
// SCENARIO.mjs exports `default async function (t)`, where t has:
//   t.browser, t.base (the server's URL), t.out (a folder for screenshots),
//   t.newPage({javaScript}) a page that records console messages and errors,
//   t.check(cond, message) to record a failure and go on,
//   t.screenshot(page, name).
// The process prints one JSON line {"failures": [...], "console": [...]}
// and exits 0 when there were no failures, 1 otherwise.
import { chromium } from 'playwright-core';
import path from 'node:path';
import fs from 'node:fs';

const [scenarioPath, base, out] = process.argv.slice(2);
if (!scenarioPath || !base || !out) {
  console.error('usage: node run.mjs SCENARIO.mjs BASE_URL OUT_DIR');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const failures = [];
const consoleMessages = [];
const t = {
  browser, base, out,
  async newPage({ javaScript = true } = {}) {
    const context = await browser.newContext({ javaScriptEnabled: javaScript });
    const page = await context.newPage();
    page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text(), url: page.url() }));
    page.on('pageerror', (e) => consoleMessages.push({ type: 'pageerror', text: String(e), url: page.url() }));
    return page;
  },
  check(cond, message) {
    if (!cond) failures.push(message);
  },
  async screenshot(page, name) {
    await page.screenshot({ path: path.join(out, name + '.png'), fullPage: true });
  },
};
try {
  const scenario = await import(path.resolve(scenarioPath));
  await scenario.default(t);
} catch (e) {
  failures.push('scenario threw: ' + (e && e.stack ? e.stack : String(e)));
} finally {
  await browser.close();
}
console.log(JSON.stringify({ failures, console: consoleMessages }));
process.exit(failures.length ? 1 : 0);

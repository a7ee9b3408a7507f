// The development loop of "sandkit dev" in Chromium, on the app in
// SANDKIT_DEV_APP (a copy of testdata/devapp): each edit is written here
// and the open page is watched until it shows the change, with no manual
// reload. Timings (save -> page updated) go to OUT/timings.json.
import fs from 'node:fs';
import path from 'node:path';

const app = process.env.SANDKIT_DEV_APP;
const long = { timeout: 180_000 }; // a Go build under load

function edit(rel, from, to) {
  const p = path.join(app, rel);
  const src = fs.readFileSync(p, 'utf8');
  if (!src.includes(from)) throw new Error(`${rel} does not contain ${from}`);
  fs.writeFileSync(p, src.replace(from, to));
}

export default async function (t) {
  const timings = {};
  const page = await t.newPage();
  await page.goto(t.base + '/');
  const title = page.locator('#title');
  t.check((await title.textContent()) === 'page v1', 'first render: ' + (await title.textContent()));
  // The dev script is connected once it has had its first state event.
  await page.waitForFunction(() => window.__sandkitDev && window.__sandkitDev.connected);

  // The time from the save to the new document's DOMContentLoaded when the
  // page reloaded (its server-rendered HTML shows the change), else to the
  // moment the locator saw the change (Playwright polls, so that figure can
  // be late by up to its polling interval).
  async function timed(name, change, locator) {
    const start = Date.now();
    change();
    await locator.waitFor(long);
    const seen = Date.now();
    const loaded = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      return nav ? performance.timeOrigin + nav.domContentLoadedEventEnd : 0;
    });
    timings[name] = Math.round(loaded > start ? loaded - start : seen - start);
  }

  // A page edit, twice (the second is the warm number).
  await timed('page edit', () => edit('routes/page.tsx', 'page v1', 'page v2'), page.locator('#title', { hasText: 'page v2' }));
  await timed('page edit (again)', () => edit('routes/page.tsx', 'page v2', 'page v3'), page.locator('#title', { hasText: 'page v3' }));
  // A Go handler edit.
  await timed('handler edit', () => edit('routes/handler.go', 'handler v1', 'handler v2'), page.locator('#message', { hasText: 'handler v2' }));
  await timed('handler edit (again)', () => edit('routes/handler.go', 'handler v2', 'handler v3'), page.locator('#message', { hasText: 'handler v3' }));

  // A type error: the overlay names the file and line; the old page stays.
  await timed('type error overlay', () => {
    edit('routes/page.tsx', '{data.message}', '{data.mesage}');
    edit('routes/page.tsx', 'page v3', 'page v4');
  }, page.locator("#sandkit-dev-overlay", { hasText: "routes/page.tsx:10" }));
  const overlay = await page.locator('#sandkit-dev-overlay').textContent();
  t.check(overlay.includes("Property 'mesage' does not exist"), 'overlay text: ' + overlay);
  await t.screenshot(page, 'type-error-overlay');
  const fresh = await t.newPage();
  await fresh.goto(t.base + '/');
  t.check((await fresh.locator('#title').textContent()) === 'page v3', 'while the type error lasts the old page serves, got ' + (await fresh.locator('#title').textContent()));
  await fresh.locator('#sandkit-dev-overlay', { hasText: 'TS2551' }).waitFor(long);
  await fresh.close();

  // Fixed: the new page goes live and the overlay goes away.
  await timed('type error fixed', () => edit('routes/page.tsx', '{data.mesage}', '{data.message}'), page.locator('#title', { hasText: 'page v4' }));
  t.check(await page.locator('#sandkit-dev-overlay').count() === 0, 'the overlay stayed after the fix');

  // A shared Go package outside routes/.
  await timed('shared Go package edit', () => edit('store/store.go', 'store v1', 'store v2'), page.locator('#greeting', { hasText: 'hello from store v2' }));

  // A new migration is applied.
  await timed('migration added', () => fs.writeFileSync(path.join(app, 'migrations', '0002_more_notes.up.sql'),
    "INSERT INTO notes (body) VALUES ('second note');\n"), page.locator('#notes', { hasText: 'notes: 2' }));

  // A broken Go build: the overlay shows the compiler's file:line.
  await timed('Go build error overlay', () => edit('routes/handler.go', 'handler v3', 'handler v3" + undefinedName + "'),
    page.locator('#sandkit-dev-overlay', { hasText: 'routes/handler.go:' }));
  t.check((await page.locator('#message').textContent()) === 'handler v3', 'the old handler serves during a build error');
  await t.screenshot(page, 'go-error-overlay');
  await timed('Go build error fixed', () => edit('routes/handler.go', 'handler v3" + undefinedName + "', 'handler v5'),
    page.locator('#message', { hasText: 'handler v5' }));

  // A page that throws while rendering: the overlay shows the stack mapped
  // to the page's source line.
  const reloaded = page.waitForEvent('load', long);
  fs.mkdirSync(path.join(app, 'routes', 'boom'));
  fs.writeFileSync(path.join(app, 'routes', 'boom', 'page.tsx'),
    '// GET /boom: throws while rendering.\nexport default function Boom() {\n  const items = undefined as string[] | undefined;\n  return <p>{items!.length}</p>;\n}\n');
  await reloaded; // the new route is live
  await page.goto(t.base + '/boom');
  await page.locator('#sandkit-dev-overlay', { hasText: 'routes/boom/page.tsx:4' }).waitFor(long);
  await t.screenshot(page, 'render-error-overlay');

  // An error thrown by the page's own scripts shows in the overlay too.
  await page.goto(t.base + '/');
  await page.waitForFunction(() => window.__sandkitDev && window.__sandkitDev.connected);
  await page.evaluate(() => setTimeout(() => { throw new Error('client boom'); }));
  await page.locator('#sandkit-dev-overlay', { hasText: 'client boom' }).waitFor(long);

  fs.writeFileSync(path.join(t.out, 'timings.json'), JSON.stringify(timings, null, 2));
}

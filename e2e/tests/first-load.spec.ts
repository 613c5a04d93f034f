// The first load: on a weak link (1.6 Mbit/s, 150 ms, as PERFORMANCE.md P11
// throttles it) the sign-in page and the live overview work with only the
// main wasm; each other page's wasm part is fetched when the page is first
// opened, and every route loads by deep link.
import { expect, test, type Page, type Route } from '@playwright/test';
import { ADMIN_ROUTES, CairnApp, ROUTES } from '../pages/app';

/** A page's own wasm or a chunk pages share (`xtask/src/app.rs`). */
const PART = /\/app-[0-9a-f]+\/(split_|chunk_)[^/]*\.wasm$/;

/** Chromium's network throttled as P11 measures: 1.6 Mbit/s both ways, 150 ms latency. */
async function throttle(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 150,
    downloadThroughput: 1_600_000 / 8,
    uploadThroughput: 1_600_000 / 8,
  });
}

test('on a throttled link the first screen works before any wasm part arrives; the map fetches its own when opened', async ({ page }) => {
  test.setTimeout(120_000);
  await throttle(page);
  // Hold every part: the first screen must work without one.
  const held: Route[] = [];
  const asked: string[] = [];
  let holding = true;
  await page.route(PART, (route) => {
    asked.push(new URL(route.request().url()).pathname);
    return holding ? held.push(route) : route.continue();
  });
  const encodings = new Map<string, string>();
  page.on('response', (res) => {
    const path = new URL(res.url()).pathname;
    if (/\.(wasm|js|css)$/.test(path)) encodings.set(path, res.headers()['content-encoding'] ?? 'identity');
  });

  const app = new CairnApp(page);
  await app.open('/');
  await expect(app.heading()).toHaveText('Portfolio overview');
  await app.waitLive();
  await expect(page.getByTestId('site-card').first()).toBeVisible();
  // The overview asks only for the charts' part (its sparklines, drawn when it comes).
  const pages = asked.map((p) => /split_([a-z_]+?)(_\d+)?\.wasm$/.exec(p)?.[1]).filter(Boolean);
  expect(new Set(pages)).toEqual(new Set(['charts']));
  // The app came compressed (Chromium takes brotli even over plain HTTP on localhost).
  const main = [...encodings].find(([path]) => path.endsWith('/cairn_bg.wasm'));
  expect(main?.[1]).toMatch(/^(gzip|br)$/);

  holding = false;
  for (const route of held.splice(0)) await route.continue();
  await expect(page.getByTestId('sparkline').first().locator('canvas').first()).toBeVisible({ timeout: 30_000 });

  // Opening the map fetches its own part, then shows it.
  await app.navigate('nav-map');
  await expect(app.heading()).toHaveText('Map', { timeout: 30_000 });
  await expect(page.getByTestId('map').locator('canvas.cairn-map__sensors')).toHaveAttribute('data-marks', /^[1-9]/, { timeout: 30_000 });
  expect(asked.some((p) => /split_map\.wasm$/.test(p))).toBe(true);
  expect(app.errors).toEqual([]);
});

test('every route loads by deep link, its parts fetched on the way', async ({ page }) => {
  test.setTimeout(120_000);
  const app = new CairnApp(page);
  await app.open('/');
  await app.waitLive();
  const device = process.env.CAIRN_E2E_DEVICE ?? 'bru-a-f0-z02-ms';
  const point = (await (await page.request.get(`/api/points?device=${device}&metric=co2`)).json()).items[0].id;
  const deep = [
    ...ROUTES.map((r) => ({ path: r.path, heading: r.heading as string | RegExp })),
    ...ADMIN_ROUTES.map((r) => ({ path: r.path, heading: r.heading as string | RegExp })),
    { path: `/points/${point}`, heading: /·/ },
    { path: `/devices/${device}`, heading: /\S/ },
    { path: '/map/floors/bru-a-f0', heading: /\S/ },
  ];
  for (const { path, heading } of deep) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(200);
    await expect(app.heading(), path).toHaveText(heading);
    await expect(app.heading(), path).not.toHaveText(/^No such/);
  }
  expect(app.errors).toEqual([]);
});

test('a page whose part does not arrive says so and offers a reload; the rest of the app keeps working', async ({ page }) => {
  // As an open tab after the server was updated: this build's parts are gone.
  const gone = /\/app-[0-9a-f]+\/(split_map|split_charts|chunk_)[^/]*\.wasm$/;
  await page.route(gone, (route) => route.fulfill({ status: 404, body: 'gone' }));
  const app = new CairnApp(page);
  await app.open('/');
  await app.waitLive();
  await app.navigate('nav-map');
  const error = page.getByTestId('load-error');
  await expect(error).toContainText('This page could not load');
  await expect(error.getByTestId('reload')).toBeVisible();
  // The app did not stop: the overview is still live, and another page opens.
  await app.navigate('nav-overview');
  await app.waitLive();
  await page.unroute(gone);
  await app.navigate('nav-users');
  await expect(app.heading()).toHaveText('Users');
  // With the network back, opening the map fetches its part anew.
  await app.navigate('nav-map');
  await expect(app.heading()).toHaveText('Map', { timeout: 30_000 });
  await expect(page.getByTestId('load-error')).toHaveCount(0);
  // The failed fetches are logged (the browser's 404s, the split loader's
  // "HTTP status code is not ok"); nothing else went wrong.
  expect(app.errors.filter((e) => !/status of 404|HTTP status code is not ok/.test(e))).toEqual([]);
});

// The site map: the simulated portfolio in more than one status colour, a
// cluster that opens on click, a reading that turns a sensor critical within
// a second, a popup that links to the device's charts and to its floor plan,
// the floor plan with the devices on it, and tooltips on hover.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { CairnApp } from '../pages/app';

const device = () => process.env.CAIRN_E2E_DEVICE!;
const STATUSES = ['ok', 'warning', 'critical', 'offline'] as const;

/** Posts readings for every point of the e2e multisensor, as the device. */
async function post(request: APIRequestContext, co2: number) {
  const records = [
    { bn: `${device()}/`, n: 'air_temperature', u: 'Cel', v: 21.5 },
    { n: 'relative_humidity', u: '%RH', v: 45 },
    { n: 'co2', u: 'ppm', v: co2 },
    { n: 'occupancy', u: 'count', v: 3 },
    { n: 'battery', u: '%EL', v: 90 },
    { n: 'signal', u: 'dBm', v: -60 },
  ];
  const res = await request.post('/api/ingest/senml', {
    headers: { Authorization: `Bearer ${process.env.CAIRN_E2E_DEVICE_TOKEN}`, 'Content-Type': 'application/senml+json' },
    data: JSON.stringify(records),
  });
  expect(res.status(), await res.text()).toBe(200);
}

/**
 * A rule that makes the e2e device critical at once above 2,000 ppm CO₂ (the
 * default rules wait minutes and watch occupied hours only): the map's
 * colours come from the alarms the rules raise.
 */
async function criticalAtOnce(request: APIRequestContext): Promise<() => Promise<void>> {
  const me = await request.get('/api/auth/me');
  expect(me.status()).toBe(200);
  const headers = { 'x-csrf-token': (await me.json()).csrf_token };
  const rule = {
    name: 'Map test: CO₂ critical at once', scope: 'device', target: device(), metric: 'co2',
    condition: { kind: 'above', trigger: 2000, clear: 1800 }, on_delay_s: 0, off_delay_s: 0,
    severity: 'critical', enabled: true,
  };
  const res = await request.post('/api/rules', { headers, data: rule });
  expect(res.status(), await res.text()).toBe(200);
  const id = (await res.json()).id;
  // Deleting the rule closes its alarm: the specs after this one find no trace.
  return async () => {
    const gone = await request.delete(`/api/rules/${id}`, { headers });
    expect(gone.status()).toBe(204);
  };
}

/** The status colours of the theme, as canvas RGB. */
async function palette(page: Page): Promise<Record<string, number[]>> {
  return page.evaluate(() => {
    const css = getComputedStyle(document.querySelector('.cairn-map')!);
    const rgb = (name: string) => {
      const hex = css.getPropertyValue(name).trim().slice(1);
      return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
    };
    return {
      ok: rgb('--cairn-color-ok'), warning: rgb('--cairn-color-warning'),
      critical: rgb('--cairn-color-critical'), offline: rgb('--cairn-map-offline'),
    };
  });
}

/** How many canvas pixels have each status colour. */
async function colourCounts(page: Page, colours: Record<string, number[]>): Promise<Record<string, number>> {
  return page.locator('canvas.cairn-map__sensors').first().evaluate((c: HTMLCanvasElement, colours) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const counts: Record<string, number> = {};
    for (const k of Object.keys(colours)) counts[k] = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] !== 255) continue;
      for (const [k, [r, g, b]] of Object.entries(colours)) {
        if (d[i] === r && d[i + 1] === g && d[i + 2] === b) counts[k]++;
      }
    }
    return counts;
  }, colours);
}

/** The canvas colour at the centre of a device's marker (from the map's list of what is in view). */
async function marker(page: Page, id: string): Promise<number[]> {
  const b = page.locator(`[data-testid=map-in-view] button[data-device="${id}"]`);
  if ((await b.count()) === 0) return [];
  const [x, y] = [Number(await b.getAttribute('data-x')), Number(await b.getAttribute('data-y'))];
  return page.locator('canvas.cairn-map__sensors').first().evaluate((c: HTMLCanvasElement, [x, y]) => {
    const dpr = c.width / c.getBoundingClientRect().width;
    const d = c.getContext('2d')!.getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data;
    return [d[0], d[1], d[2]];
  }, [x, y]);
}

test('the map shows the portfolio in several status colours, and a cluster opens on click', async ({ page }) => {
  const app = new CairnApp(page);
  await app.open('/map');
  const canvas = page.locator('canvas.cairn-map__sensors');
  await expect(canvas).toHaveAttribute('data-marks', /^[1-9]/);
  // The legend counts every device once: its counts add up to the devices the
  // server lists for this user.
  const listed = await page.request.get('/api/devices?limit=1');
  expect(listed.status()).toBe(200);
  const devices: number = (await listed.json()).total;
  expect(devices).toBeGreaterThan(1_000);
  await expect.poll(async () => {
    const counts = await Promise.all(
      ['critical', 'warning', 'offline', 'unknown', 'ok'].map(async (s) =>
        Number(await page.getByTestId(`count-${s}`).textContent())),
    );
    return counts.reduce((a, b) => a + b, 0);
  }).toBe(devices);
  // More than one status colour on the canvas.
  const colours = await palette(page);
  await expect.poll(async () => {
    const c = await colourCounts(page, colours);
    return STATUSES.filter((s) => c[s] > 20).length;
  }).toBeGreaterThan(1);
  // Without network access the map says it shows outlines only.
  await expect(page.getByTestId('map')).toHaveAttribute('data-basemap', 'outlines');

  // Clicking a cluster zooms in.
  const zoom = Number(await canvas.getAttribute('data-zoom'));
  const cluster = page.locator('[data-testid=map-in-view] button[data-kind=cluster]').first();
  await expect(cluster).toBeAttached();
  const box = (await page.getByTestId('map').boundingBox())!;
  await page.mouse.click(box.x + Number(await cluster.getAttribute('data-x')), box.y + Number(await cluster.getAttribute('data-y')));
  await expect.poll(async () => Number(await canvas.getAttribute('data-zoom'))).toBeGreaterThan(zoom);

  // The status filter hides what it unticks.
  const marks = Number(await canvas.getAttribute('data-marks'));
  await page.locator('.cairn-map__status[data-status=ok]').click();
  await expect(page.locator('.cairn-map__status[data-status=ok]')).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(async () => (await colourCounts(page, colours)).ok).toBe(0);
  expect(marks).toBeGreaterThan(0);
  expect(app.errors).toEqual([]);
});

test('a reading pushed by the server recolours the right marker within a second; the popup links on', async ({ page, request }) => {
  const app = new CairnApp(page);
  await app.open('/map');
  await post(request, 600);
  await expect(page.locator('canvas.cairn-map__sensors')).toHaveAttribute('data-marks', /^[1-9]/);
  await page.getByTestId('map-search').fill(device());
  await page.getByRole('button', { name: 'Find' }).click();
  const popup = page.getByTestId('map-popup');
  await expect(popup).toHaveAttribute('data-device', device());
  const canvas = page.locator('canvas.cairn-map__sensors');
  await expect(canvas).toHaveAttribute('data-zoom', '20');
  const colours = await palette(page);
  const status = page.getByTestId('map-popup-status');
  await expect(status).toHaveText('OK');
  // Drawn, and not red (devices on other floors may share its place on the map).
  await expect.poll(async () => (await marker(page, device())).length).toBe(3);
  expect(await marker(page, device())).not.toEqual(colours.critical);

  // CO₂ over 2,000 ppm raises a critical alarm: the marker under the centre turns red.
  const removeRule = await criticalAtOnce(page.request);
  await post(request, 2_450);
  const posted = Date.now();
  await expect(status).toHaveText('Critical', { timeout: 1_000 });
  await expect.poll(() => marker(page, device()), { timeout: 1_000 }).toEqual(colours.critical);
  expect(Date.now() - posted).toBeLessThan(1_000);
  await expect(popup).toContainText(/2450\s*ppm/);
  await post(request, 600);
  await expect(status).toHaveText('OK');
  await removeRule();

  // The popup links to the point's chart, and to the floor plan.
  await expect(popup.getByRole('link', { name: 'Chart' }).first()).toHaveAttribute('href', /^\/points\/\d+$/);
  await popup.getByRole('link', { name: 'Floor plan' }).click();
  await expect(page).toHaveURL(/\/map\/floors\/bru-a-f0$/);
  const floor = page.getByTestId('floor-map');
  await expect(floor.locator('canvas.cairn-map__sensors')).toHaveAttribute('data-marks', /^[1-9]/);
  await expect(floor.locator('img.leaflet-image-layer')).toHaveAttribute('src', /plan\.svg$/);
  await expect(page.locator('.cairn-crumbs')).toContainText('Map');
  expect(app.errors).toEqual([]);
});

test('a building opens its floors, and a floor its plan with the devices on it', async ({ page }) => {
  const app = new CairnApp(page);
  await app.open('/map');
  await expect(page.locator('canvas.cairn-map__sensors')).toHaveAttribute('data-marks', /^[1-9]/);
  await page.getByTestId('map-search').fill(device());
  await page.getByRole('button', { name: 'Find' }).click();
  await expect(page.locator('canvas.cairn-map__sensors')).toHaveAttribute('data-zoom', '20');
  // Close the device's popup (its opening may have panned the map), then tap
  // the building away from its sensors: near the middle of the sensors in
  // view (all inside the outline), at the spot farthest from any of them.
  await expect(page.getByTestId('map-popup')).toBeVisible();
  await page.waitForTimeout(500);
  await page.locator('.leaflet-popup-close-button').click();
  await expect(page.locator('.leaflet-popup')).toHaveCount(0);
  const inView = page.locator('[data-testid=map-in-view] button[data-kind=sensor]');
  await expect(inView.first()).toBeAttached();
  const points = await inView.evaluateAll((bs) => bs.map((b) => [Number(b.dataset.x), Number(b.dataset.y)]));
  const box = (await page.getByTestId('map').boundingBox())!;
  const [cx, cy] = [0, 1].map((k) => points.reduce((a, p) => a + p[k], 0) / points.length);
  let best = [cx, cy];
  let bestD = 0;
  for (let dx = -40; dx <= 40; dx += 5) {
    for (let dy = -40; dy <= 40; dy += 5) {
      const [x, y] = [cx + dx, cy + dy];
      const d = Math.min(...points.map(([px, py]) => Math.hypot(px - x, py - y)));
      if (d > bestD) { bestD = d; best = [x, y]; }
    }
  }
  await page.mouse.click(box.x + best[0], box.y + best[1]);
  const panel = page.getByTestId('building-panel');
  await expect(panel).toBeVisible();
  await panel.getByRole('link').first().click();
  await expect(page).toHaveURL(/\/map\/floors\//);
  await expect(page.getByTestId('floor-map').locator('canvas.cairn-map__sensors')).toHaveAttribute('data-marks', /^[1-9]/);
  expect(app.errors).toEqual([]);
});

test('hovering a cluster or a sensor shows what it holds, as text', async ({ page }) => {
  const app = new CairnApp(page);
  await app.open('/map');
  const canvas = page.locator('canvas.cairn-map__sensors');
  await expect(canvas).toHaveAttribute('data-marks', /^[1-9]/);
  const box = (await page.getByTestId('map').boundingBox())!;
  const tooltip = page.getByTestId('map-tooltip');
  // A cluster: its size and its counts per status, most severe first.
  const cluster = page.locator('[data-testid=map-in-view] button[data-kind=cluster]').first();
  await expect(cluster).toBeAttached();
  const described = (await cluster.textContent())!; // "49 sensors: 15 warning, 24 offline, 10 ok"
  const size = described.match(/^(\d+) sensors/)![1];
  await page.mouse.move(box.x + Number(await cluster.getAttribute('data-x')), box.y + Number(await cluster.getAttribute('data-y')));
  await expect(tooltip).toHaveAttribute('data-kind', 'cluster');
  await expect(tooltip).toContainText(`${size} sensors`);
  await page.screenshot({ path: 'e2e/screenshots/map-tooltip-cluster.png' });
  for (const [, n, status] of described.matchAll(/(\d+) ([a-z ]+?)(?:,|$)/g)) {
    await expect(tooltip.locator('li', { hasText: new RegExp(status, 'i') })).toContainText(n);
  }
  // Off the mark, the tooltip goes.
  await page.mouse.move(box.x + 2, box.y + box.height - 2);
  await expect(tooltip).toHaveCount(0);

  // One sensor: its name, live status and values.
  await page.getByTestId('map-search').fill(device());
  await page.getByRole('button', { name: 'Find' }).click();
  await expect(canvas).toHaveAttribute('data-zoom', '20');
  await page.waitForTimeout(500);
  await page.locator('.leaflet-popup-close-button').click();
  await expect(page.locator('.leaflet-popup')).toHaveCount(0);
  const sensor = page.locator(`[data-testid=map-in-view] button[data-device="${device()}"]`);
  await expect(sensor).toBeAttached();
  const name = (await sensor.textContent())!.split(':')[0];
  await page.mouse.move(box.x + Number(await sensor.getAttribute('data-x')), box.y + Number(await sensor.getAttribute('data-y')));
  await expect(tooltip).toHaveAttribute('data-kind', 'sensor');
  await expect(tooltip).toContainText(name);
  await expect(tooltip).toContainText(/CO₂/);
  await expect(tooltip).toContainText(/ppm/);
  await page.screenshot({ path: 'e2e/screenshots/map-tooltip-sensor.png' });
  expect(app.errors).toEqual([]);
});

for (const size of [{ name: 'desktop', width: 1440, height: 900 }, { name: 'tablet', width: 820, height: 1180 }]) {
  test(`map screenshots at ${size.name} size`, async ({ page }) => {
    await page.setViewportSize({ width: size.width, height: size.height });
    const app = new CairnApp(page);
    await app.open('/map');
    await expect(page.locator('canvas.cairn-map__sensors')).toHaveAttribute('data-marks', /^[1-9]/);
    await page.waitForTimeout(500);
    await page.screenshot({ path: `e2e/screenshots/map-portfolio-${size.name}.png` });
    await page.goto('/map/floors/bru-a-f1');
    await expect(page.getByTestId('floor-map').locator('canvas.cairn-map__sensors')).toHaveAttribute('data-marks', /^[1-9]/);
    await page.waitForTimeout(500);
    await page.screenshot({ path: `e2e/screenshots/floor-${size.name}.png` });
    expect(app.errors).toEqual([]);
  });
}

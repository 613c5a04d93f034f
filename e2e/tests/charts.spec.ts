// Charts: a point's page draws its history, takes live readings, zooms by
// dragging, shows its data as a table and downloads it as CSV; the compare
// view puts points from two sites on one chart.
import { expect, test, type Page } from '@playwright/test';
import { CairnApp } from '../pages/app';

const device = () => process.env.CAIRN_E2E_DEVICE!;

async function co2Point(page: Page): Promise<number> {
  const res = await page.request.get(`/api/points?device=${device()}&metric=co2`);
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()).items[0].id;
}

/** Inked pixels of the chart's line canvas. */
async function inked(page: Page, chart: string): Promise<number> {
  return page.locator(`[data-testid="${chart}"] canvas`).nth(1).evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
}

test('a point page charts history and live readings; drag-zoom, table and CSV work', async ({ page, request }) => {
  const app = new CairnApp(page);
  await app.open('/');
  await app.waitLive();
  const id = await co2Point(page);
  await page.goto(`/points/${id}`);
  await expect(app.heading()).toHaveText('Entrance hall · CO₂');
  const chart = page.getByTestId('point-chart');
  await expect(chart.locator('canvas')).toHaveCount(2);
  const readout = chart.locator('.cairn-chart__readout');
  // A day of simulated history arrives from /api/series and is drawn.
  await expect(readout).toContainText(/min \d+\s*ppm .* max \d+\s*ppm/);
  await expect.poll(() => inked(page, 'point-chart')).toBeGreaterThan(500);
  await expect(chart.getByRole('button', { name: '24 h' })).toHaveAttribute('aria-pressed', 'true');

  // A reading the device posts now is on the chart within seconds.
  const res = await request.post('/api/ingest/senml', {
    headers: { Authorization: `Bearer ${process.env.CAIRN_E2E_DEVICE_TOKEN}`, 'Content-Type': 'application/senml+json' },
    data: JSON.stringify([{ bn: `${device()}/`, n: 'co2', u: 'ppm', v: 1987 }]),
  });
  expect(res.status(), await res.text()).toBe(200);
  await expect(readout).toContainText(/last 1987\s*ppm/, { timeout: 5_000 });
  // Other specs may have posted higher values today: the maximum is at least this one.
  const max = Number((await readout.textContent())!.match(/max ([\d,.]+)/)![1].replace(/,/g, ''));
  expect(max).toBeGreaterThanOrEqual(1987);

  // The table shows the samples in view; the latest is the posted reading.
  await chart.getByRole('button', { name: 'Table' }).click();
  const table = chart.locator('.cairn-chart__table table');
  await expect(table.locator('tbody tr').first()).toBeVisible();
  const before = await table.locator('tbody tr').count();
  expect(before).toBeGreaterThan(50);
  await expect(table.locator('caption')).toContainText('Europe/Brussels');
  // A day of one point fits the table whole (no "The first 500 of"), oldest
  // first: the last row is the reading just posted.
  await expect(table.locator('caption')).toHaveText(/^\d+ samples in view/);
  await expect(table.locator('tbody tr').last().locator('td')).toHaveText(/1,?987\s*ppm/);

  // Drag across the middle third of the plot: the range narrows to it.
  const box = (await chart.locator('canvas').nth(1).boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.35, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.65, box.y + box.height / 2, { steps: 8 });
  await expect(chart.locator('.cairn-chart__selection')).toBeVisible();
  await page.mouse.up();
  await expect(chart.getByText('Zoomed')).toBeVisible();
  await expect(chart.getByRole('button', { name: '24 h' })).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(async () => table.locator('tbody tr').count()).toBeLessThan(before * 0.6);
  await expect(table.locator('tbody tr').first()).toBeVisible();

  // CSV of the visible range: a header, then rows of this point.
  const [download] = await Promise.all([page.waitForEvent('download'), chart.getByRole('button', { name: 'CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^cairn-.*\.csv$/);
  const csv = await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8');
  const lines = csv.trim().split('\r\n');
  expect(lines[0]).toBe('time_utc,time_local,point,name,unit,value');
  expect(lines.length).toBeGreaterThan(5);
  expect(lines[1]).toContain(`${device()}/co2`);

  // Reset returns to the preset, and wheel zoom works too.
  await chart.getByRole('button', { name: 'Reset' }).click();
  await expect(chart.getByRole('button', { name: '24 h' })).toHaveAttribute('aria-pressed', 'true');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  await expect(chart.getByText('Zoomed')).toBeVisible();
  expect(app.errors).toEqual([]);
});

test('the compare view charts points from two sites, refusing a third unit', async ({ page }) => {
  const app = new CairnApp(page);
  await app.open('/compare');
  await expect(app.connection()).toHaveAttribute('data-state', 'connected');
  const search = page.getByTestId('compare-search');
  await search.fill('Entrance hall');
  await page.locator('.cairn-compare__matches button').filter({ hasText: 'CO₂' }).first().click();
  await search.fill('CO₂ — Beatrix Quarter');
  await page.locator('.cairn-compare__matches button').first().click();
  await expect(page.locator('.cairn-compare__point')).toHaveCount(2);
  expect(page.url()).toMatch(/\/compare\?points=\d+,\d+$/);
  await search.fill('Entrance hall');
  await page.locator('.cairn-compare__matches button').filter({ hasText: 'Temperature' }).first().click();
  await search.fill('Entrance hall');
  await page.locator('.cairn-compare__matches button').filter({ hasText: 'Battery' }).first().click();
  await expect(page.getByRole('alert')).toContainText('would need a third');
  await expect(page.locator('.cairn-compare__point')).toHaveCount(3);
  const chart = page.getByTestId('compare-chart');
  await expect(chart.locator('.cairn-chart__key')).toHaveCount(3);
  await expect.poll(() => inked(page, 'compare-chart')).toBeGreaterThan(500);
  // A legend toggle hides a series (and says so to screen readers).
  const key = chart.locator('.cairn-chart__key').first();
  await key.click();
  await expect(key).toHaveAttribute('aria-pressed', 'false');
  expect(app.errors).toEqual([]);
});

for (const size of [{ name: 'desktop', width: 1440, height: 900 }, { name: 'tablet', width: 820, height: 1180 }]) {
  test(`chart screenshots at ${size.name} size`, async ({ page }) => {
    await page.setViewportSize({ width: size.width, height: size.height });
    const app = new CairnApp(page);
    await app.open('/');
    await app.waitLive();
    const id = await co2Point(page);
    await page.goto(`/points/${id}`);
    const chart = page.getByTestId('point-chart');
    await expect(chart.locator('.cairn-chart__readout')).toContainText('max');
    await page.getByRole('button', { name: 'Temperature' }).click();
    await chart.getByRole('button', { name: 'Trend' }).click();
    await expect(chart.locator('.cairn-chart__readout')).toContainText(/Trend|At this rate|Past the/);
    await expect.poll(() => inked(page, 'point-chart')).toBeGreaterThan(500);
    await page.waitForTimeout(300);
    await page.screenshot({ path: `e2e/screenshots/point-${size.name}.png` });
    expect(app.errors).toEqual([]);
  });
}

import { expect, test } from '@playwright/test';
import { CairnApp } from '../pages/app';

test('the overview shows live values, and a reading a device posts is on screen within seconds', async ({ page, request }) => {
  const app = new CairnApp(page);
  await app.open('/');
  await app.waitLive();
  await expect(page.getByTestId('site-card').first()).toBeVisible();
  expect(await app.liveValues().count()).toBeGreaterThan(20);

  // The device authenticates with its own token (issued by `cargo xtask test`).
  const device = process.env.CAIRN_E2E_DEVICE!;
  const token = process.env.CAIRN_E2E_DEVICE_TOKEN!;
  const row = page.locator('[data-testid="building-row"][data-building="bru-a"]');
  const co2Peak = row.getByTestId('live-value').nth(2);
  const res = await request.post('/api/ingest/senml', {
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/senml+json' },
    data: JSON.stringify([{ bn: `${device}/`, n: 'co2', u: 'ppm', v: 4321 }]),
  });
  expect(res.status(), await res.text()).toBe(200);
  await expect(co2Peak).toHaveText(/4321\s*ppm/, { timeout: 5_000 });
  await expect(app.connection()).toContainText(/updated (just now|\d+ s ago)/);
  expect(app.errors).toEqual([]);
});

test('health answers JSON', async ({ request }) => {
  const res = await request.get('/api/health');
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.status).toBe('ok');
  expect(body.simulator).toBe(true);
  expect(typeof body.uptime_s).toBe('number');
});

test('going offline shows at once, and the dashboard comes back live by itself', async ({ page, context }) => {
  const app = new CairnApp(page);
  await app.open('/');
  await app.waitLive();
  await context.setOffline(true);
  await expect(app.connection()).toHaveAttribute('data-state', 'offline');
  await expect(app.connection()).toContainText('Offline');
  // Values stay on screen while offline: the last known data, not a blank page.
  expect(await app.liveValues().count()).toBeGreaterThan(20);
  await context.setOffline(false);
  await expect(app.connection()).toHaveAttribute('data-state', 'connected', { timeout: 15_000 });
});

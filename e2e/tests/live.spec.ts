import { expect, test } from '@playwright/test';
import { CairnApp } from '../pages/app';

test('the overview shows live values that change as readings arrive', async ({ page }) => {
  const app = new CairnApp(page);
  await app.open('/');
  await app.waitLive();
  await expect(page.getByTestId('site-card').first()).toBeVisible();
  const values = app.liveValues();
  expect(await values.count()).toBeGreaterThan(20);

  const before = await values.allTextContents();
  // Rooms report every 10 s; within 10 s at least one value on screen must change.
  await expect
    .poll(async () => (await values.allTextContents()).some((v, i) => v !== before[i]), {
      timeout: 10_000,
      intervals: [250],
    })
    .toBe(true);
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

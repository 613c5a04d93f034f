import { expect, test } from '@playwright/test';
import { ADMIN_ROUTES, CairnApp, ROUTES } from '../pages/app';

test('every route is reachable from the navigation without console errors', async ({ page }) => {
  const app = new CairnApp(page);
  await app.open('/');
  for (const route of [...ROUTES.slice(1), ...ADMIN_ROUTES, ROUTES[0]]) {
    await app.navigate(route.nav);
    await expect(page).toHaveURL(new URL(route.path, page.url()).toString());
    await expect(app.heading()).toHaveText(route.heading);
    await expect(page.getByTestId(route.nav)).toHaveAttribute('aria-current', 'page');
  }
  expect(app.errors).toEqual([]);
});

test('a deep link reload serves the app, and unknown API paths answer JSON', async ({ page, request }) => {
  const app = new CairnApp(page);
  const res = await page.goto('/map');
  expect(res?.status()).toBe(200);
  await app.open('/map');
  await expect(app.heading()).toHaveText('Map');
  // The session survives a reload (HttpOnly cookie): no second sign-in.
  await page.reload();
  await expect(app.heading()).toHaveText('Map');
  await expect(page.getByTestId('map').locator('canvas.cairn-map__sensors')).toHaveAttribute('data-marks', /^[1-9]/);

  await page.goto('/no/such/page');
  await expect(page.getByTestId('not-found')).toBeVisible();

  const api = await request.get('/api/no-such-endpoint');
  expect(api.status()).toBe(404);
  expect((await api.json()).error.code).toBe('not_found');
  expect(app.errors).toEqual([]);
});

test('the theme toggle switches to dark and is remembered', async ({ page }) => {
  const app = new CairnApp(page);
  await app.open('/');
  const html = page.locator('html');
  const first = await html.getAttribute('data-theme');
  await page.getByTestId('theme-toggle').click();
  const second = await html.getAttribute('data-theme');
  expect(second).not.toBe(first);
  expect(['light', 'dark']).toContain(second);
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', second!);
});

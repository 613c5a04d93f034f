// Screenshots at desktop and tablet sizes, to look at (in e2e/screenshots, not
// tracked). A run never rewrites a tracked file: the README's picture is
// e2e/screenshots/overview-desktop-light.png, copied to docs/ by hand.
import { expect, test } from '@playwright/test';
import { ADMIN_ROUTES, CairnApp, ROUTES } from '../pages/app';

const SIZES = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'tablet', width: 820, height: 1180 },
];

for (const size of SIZES) {
  test(`screenshots at ${size.name} size (${size.width}×${size.height})`, async ({ page }) => {
    await page.setViewportSize({ width: size.width, height: size.height });
    const app = new CairnApp(page);
    await page.goto('/');
    await expect(app.loginForm()).toBeVisible();
    await page.screenshot({ path: `e2e/screenshots/login-${size.name}.png` });
    await app.open('/');
    await app.waitLive();
    await expect(page.locator('[data-building="bru-a"] [data-testid="live-value"]').first()).not.toHaveText('—');
    // The meters' sparklines come in a wasm part of their own, then their day of history.
    await expect.poll(() => page.getByTestId('sparkline').first().locator('canvas').last().evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let inked = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) inked++;
      return inked;
    }), { timeout: 15_000 }).toBeGreaterThan(0);
    // The navigation is on screen and its tap targets are large enough for fingers.
    const link = page.getByTestId('nav-map');
    const box = await link.boundingBox();
    expect(box && box.height >= 44 && box.y + box.height <= size.height).toBeTruthy();
    for (const theme of ['light', 'dark']) {
      await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
      await page.screenshot({ path: `e2e/screenshots/overview-${size.name}-${theme}.png` });
    }
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'light'));
    for (const route of [...ROUTES.slice(1), ...ADMIN_ROUTES]) {
      await app.navigate(route.nav);
      await expect(app.heading()).toHaveText(route.heading);
      if ('ready' in route) await expect(page.locator(route.ready).first()).toBeVisible();
      await page.screenshot({ path: `e2e/screenshots${route.path}-${size.name}.png` });
    }
    expect(app.errors).toEqual([]);
  });
}

// Accounts in the browser: each demo role signs in and sees only what it may;
// the server refuses the rest; sessions end cleanly; names are never markup.
import { expect, test, type Page } from '@playwright/test';
import { account, CairnApp, type Role } from '../pages/app';
import { ChartPage } from '../pages/chart';

// Every site of the e2e server: the 12 simulated ones and the XSS fixture site.
const ALL_SITES = ['ams', 'ant', 'bru', 'ein', 'ghe', 'gro', 'hag', 'leu', 'lie', 'mec', 'rtm', 'utr', 'xss'];

// What each demo account (made by `cairn-server demo-users`) is granted.
const SEES: Record<Role, { sites: string[]; admin: boolean }> = {
  viewer: { sites: ALL_SITES, admin: false },
  operator: { sites: ['bru'], admin: false },
  manager: { sites: ['ant', 'bru'], admin: false },
  admin: { sites: ALL_SITES, admin: true },
};

async function csrf(page: Page): Promise<string> {
  const me = await page.request.get('/api/auth/me');
  expect(me.status()).toBe(200);
  return (await me.json()).csrf_token;
}

for (const role of Object.keys(SEES) as Role[]) {
  test(`${role}: sees its sites and only the pages its role may use`, async ({ page }) => {
    const app = new CairnApp(page);
    await app.open('/', role);
    await expect(page.getByTestId('user-role')).toHaveText(role);
    const cards = page.getByTestId('site-card');
    const { sites, admin } = SEES[role];
    await app.waitLive(sites.length > 2 ? 21 : 5);
    // Exactly the granted sites, by id: not just as many cards.
    await expect(cards).toHaveCount(sites.length);
    const shown = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-site')!));
    expect(shown.sort()).toEqual(sites);
    if (!sites.includes('ams')) await expect(page.getByText('Amsterdam')).toHaveCount(0);
    await expect(page.getByTestId('nav-users')).toHaveCount(admin ? 1 : 0);
    await expect(page.getByTestId('nav-audit')).toHaveCount(admin ? 1 : 0);
    // The server decides, not the menu: the API and a typed-in URL are refused with a clear error.
    const users = await page.request.get('/api/users');
    expect(users.status()).toBe(admin ? 200 : 403);
    if (!admin) {
      expect((await users.json()).error.code).toBe('forbidden');
      await page.goto('/admin/users');
      await expect(page.locator('.cairn-form__error')).toContainText('needs the admin role');
    }
    // Every state-changing request needs the session's CSRF token.
    const bare = await page.request.post('/api/auth/logout');
    expect(bare.status()).toBe(403);
    expect((await bare.json()).error.code).toBe('csrf');
    await app.signOut();
    await page.reload();
    await expect(app.loginForm()).toBeVisible();
    expect(app.errors.filter((e) => !e.includes('401') && !e.includes('403'))).toEqual([]);
  });
}

test('a wrong password says so, and too many are refused for a while', async ({ page }) => {
  const app = new CairnApp(page);
  await page.goto('/');
  for (let i = 0; i < 5; i++) {
    await app.signIn('nobody-here', 'not the password');
    await expect(page.getByTestId('login-error')).toHaveText('wrong username or password');
  }
  await app.signIn('nobody-here', 'not the password');
  await expect(page.getByTestId('login-error')).toContainText('too many failed sign-ins');
});

test('when the session ends the app shows the sign-in page, and signing in resumes', async ({ page }) => {
  const app = new CairnApp(page);
  await app.open('/', 'operator');
  await app.waitLive(5);
  // End the session on the server, as an expiry, a disable or another tab's sign-out would.
  const out = await page.request.post('/api/auth/logout', { headers: { 'x-csrf-token': await csrf(page) } });
  expect(out.status()).toBe(204);
  await expect(app.loginForm()).toBeVisible({ timeout: 25_000 });
  await expect(page.getByTestId('login-error')).toContainText('session has ended');
  const { username, password } = account('operator');
  await app.signIn(username, password);
  await app.waitLive(5);
});

test('a chart that finds the session ended shows the sign-in page, not an error', async ({ page }) => {
  // The socket's close 4401 is kept from the page: only the chart's own request may notice.
  await page.routeWebSocket(/\/api\/ws$/, (ws) => {
    const server = ws.connectToServer();
    server.onClose(() => {});
  });
  const app = new CairnApp(page);
  await app.open('/', 'operator');
  const charts = new ChartPage(page);
  const id = await charts.pointId();
  await charts.open(id);
  await charts.waitLoaded();
  // The session ends on the server (as a sign-out elsewhere, a disable or an expiry would).
  const out = await page.request.post('/api/auth/logout', { headers: { 'x-csrf-token': await csrf(page) } });
  expect(out.status()).toBe(204);
  await expect(charts.chart).toBeVisible();
  // Watch for a chart error from now on: the chart is gone once the sign-in
  // page shows, so only a watcher can tell whether it showed one before that.
  await page.evaluate(() => {
    const w = window as unknown as { __chartError?: boolean };
    w.__chartError = false;
    new MutationObserver(() => {
      if (document.querySelector('.cairn-chart__error')) w.__chartError = true;
    }).observe(document.body, { childList: true, subtree: true });
  });
  // A year is not loaded: the chart asks /api/series, which answers 401.
  const series = page.waitForResponse((r) => r.url().includes('/api/series'));
  await charts.range('1 y');
  expect((await series).status()).toBe(401);
  await expect(app.loginForm()).toBeVisible({ timeout: 5_000 });
  await expect(page.getByTestId('login-error')).toContainText('session has ended');
  expect(await page.evaluate(() => (window as unknown as { __chartError?: boolean }).__chartError)).toBe(false);
  // Signing in again returns to the chart.
  const { username, password } = account('operator');
  await app.signIn(username, password);
  await charts.waitLoaded();
  expect(page.url()).toContain(`/points/${id}`);
  app.forgetSignedOutErrors();
  expect(app.errors).toEqual([]);
});

test('names that look like markup show as text everywhere, and nothing runs', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  const app = new CairnApp(page);
  await app.open('/', 'admin');
  await app.waitLive();
  // Site, building and device of the fixture `e2e/fixtures/xss-site.json`.
  const card = page.locator('[data-testid="site-card"]', { hasText: '<img src=x onerror=alert(1)>' });
  await expect(card).toBeVisible();
  await expect(card).toContainText('"><script>alert(3)</script>');
  await expect(card).toContainText('Main <img src=x onerror=alert(4)>');

  // A user named like a payload, made with the form; the password is shown once.
  const evil = '"><script>window.__xss=1</script><img src=x onerror=alert(5)>';
  await app.navigate('nav-users');
  const form = page.getByTestId('new-user-form');
  await form.getByLabel('Username').fill('mallory');
  await form.getByLabel('Display name').fill(evil);
  await form.locator('input[data-site="bru"]').check();
  await form.getByRole('button', { name: 'Create user' }).click();
  const password = (await page.getByTestId('new-password').textContent())!.trim();
  expect(password).toMatch(/^[a-z0-9]{5}(-[a-z0-9]{5}){3}$/);
  const row = page.locator('[data-testid="user-row"][data-username="mallory"]');
  await expect(row).toContainText(evil);

  // Field errors come back to their fields.
  await form.getByLabel('Username').fill('Not Valid');
  await form.getByLabel('Display name').fill('x');
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect(form.getByRole('alert').first()).toContainText('lowercase letters');

  await app.navigate('nav-audit');
  await expect(page.getByTestId('audit-row').first()).toContainText('user.create');
  await expect(page.getByTestId('audit-table')).toContainText('onerror=alert(5)');
  await page.screenshot({ path: 'e2e/screenshots/audit-xss-desktop.png' });

  // Mallory signs in with the generated password: her name is text in the top bar too.
  await app.signOut();
  await app.signIn('mallory', password);
  await expect(page.getByTestId('user-name')).toHaveText(evil);
  // Signed out on the audit page, she is back on it, where a viewer gets the server's refusal.
  await expect(page.locator('.cairn-form__error')).toContainText('needs the admin role');
  await app.navigate('nav-overview');
  await expect(page.getByTestId('site-card')).toHaveCount(1);

  expect(dialogs).toEqual([]);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
});

test('a page whose data cannot load says so in place, and the rest of the app still works', async ({ page }) => {
  // The server fails the audit log (as a broken database would): the page's
  // error boundary shows the server's message as text, and nothing else breaks.
  await page.route('**/api/audit*', (route) =>
    route.fulfill({
      status: 500,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'internal', message: 'something went wrong on the server; it has been logged' } }),
    }),
  );
  const app = new CairnApp(page);
  await app.open('/admin/audit');
  await expect(page.getByTestId('load-error')).toHaveText(
    'Could not load the audit log: something went wrong on the server; it has been logged',
  );
  await expect(page.getByTestId('audit-table')).toHaveCount(0);
  // Once the server answers again, the next load (a filter change) recovers.
  await page.unroute('**/api/audit*');
  await page.getByLabel('Who (username)').fill(account('admin').username);
  await page.getByLabel('Who (username)').press('Enter');
  await expect(page.getByTestId('audit-table')).toBeVisible();
  await expect(page.getByTestId('load-error')).toHaveCount(0);
  await app.navigate('nav-users');
  await expect(page.getByTestId('users-table')).toBeVisible();
  await expect(page.getByTestId('load-error')).toHaveCount(0);
  // The only console error is the browser's own line about the 500.
  expect(app.errors.filter((e) => !e.includes('status of 500'))).toEqual([]);
});

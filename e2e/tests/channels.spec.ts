// Notification channels and maintenance windows end to end: an admin writes
// a webhook channel (an https URL gets the validator's field error under the
// URL, fixed, saved, listed) and opens its messages; a manager sees the
// Maintenance tab but not Channels; an admin plans a maintenance window (a
// missing reason is named under its field first), sees it in effect with
// "until …", and ends it; screenshots of both tabs at desktop and tablet sizes.
//
// Serial: the screenshots show what the tests made; afterAll deletes the
// channel and ends the windows, so the specs after this one see no trace.
import { expect, request as apiRequest, test, type Page } from '@playwright/test';
import { AlertsPage } from '../pages/alerts';
import { account, CairnApp, type Role } from '../pages/app';

test.describe.configure({ mode: 'serial' });

const RUN = Date.now().toString(36);
const CHANNEL = `E2E on-call webhook ${RUN}`;
const REASON = `E2E chiller replacement ${RUN}`;

const SIZES = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'tablet', width: 820, height: 1180 },
];

async function openTab(page: Page, role: Role, tab: 'channels' | 'maintenance'): Promise<{ app: CairnApp; alerts: AlertsPage }> {
  const app = new CairnApp(page);
  await app.open('/', role);
  // The snapshot (sites, buildings, devices: the names and choices) is in first.
  await app.waitLive(21);
  await app.navigate('nav-alerts');
  await expect(app.heading()).toHaveText('Alerts');
  const alerts = new AlertsPage(page);
  await alerts.tab(tab);
  return { app, alerts };
}

test.afterAll(async () => {
  const api = await apiRequest.newContext({ baseURL: process.env.CAIRN_E2E_URL });
  try {
    const { username, password } = account('admin');
    const login = await api.post('/api/auth/login', { data: { username, password } });
    expect(login.status(), await login.text()).toBe(200);
    const csrf = (await (await api.get('/api/auth/me')).json()).csrf_token;
    const headers = { 'x-csrf-token': csrf };
    for (const c of await (await api.get('/api/channels')).json()) {
      if (c.name.startsWith('E2E ')) expect((await api.delete(`/api/channels/${c.id}`, { headers })).status()).toBe(204);
    }
    for (const w of await (await api.get('/api/maintenance')).json()) {
      if (w.reason.startsWith('E2E ')) expect((await api.delete(`/api/maintenance/${w.id}`, { headers })).status()).toBe(204);
    }
  } finally {
    await api.dispose();
  }
});

test('an admin writes a webhook channel: the https URL is named under its field, fixed, saved, listed', async ({ page }) => {
  const { app } = await openTab(page, 'admin', 'channels');
  await page.getByTestId('channel-new').click();
  const form = page.getByTestId('channel-form');
  await expect(form).toBeVisible();
  await form.getByTestId('channel-name').fill(CHANNEL);
  await form.getByTestId('channel-kind').selectOption('webhook');
  await form.getByTestId('channel-target').fill('https://hooks.example/cairn');
  await form.getByTestId('channel-target').blur();
  // The validator's own words, as the user leaves the field.
  const error = form.getByTestId('field-error-target');
  await expect(error).toContainText('https:// is not supported yet');
  await form.getByTestId('channel-secret').fill('e2e-secret-0123456789');
  await form.getByTestId('channel-min_severity').selectOption('critical');
  await form.getByTestId('channel-escalate_after_min').fill('15');
  await form.getByTestId('channel-target').fill('http://127.0.0.1:9/cairn');
  await expect(error).toHaveCount(0);
  await expect(form.getByTestId('channel-secret')).toHaveAttribute('type', 'password');
  await form.getByTestId('channel-save').click();
  await expect(form).toHaveCount(0);

  const row = page.getByTestId('channels-table').getByTestId('channel-row').filter({ hasText: CHANNEL });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Webhook');
  await expect(row).toContainText('http://127.0.0.1:9/cairn');
  await expect(row).toContainText('after 15 min');
  // Its messages (none, or failing ones: nothing listens on port 9).
  await row.getByTestId('channel-show-deliveries').click();
  await expect(page.getByTestId('channel-deliveries')).toContainText(CHANNEL);
  // Editing keeps the stored secret when the field is left empty.
  await row.getByTestId('channel-edit').click();
  await expect(form.getByTestId('channel-secret')).toHaveValue('');
  await expect(form).toContainText('leave empty to keep the stored secret');
  await form.getByTestId('channel-save').click();
  await expect(form).toHaveCount(0);
  expect(app.errors).toEqual([]);
});

test('a manager sees the Maintenance tab but not Channels', async ({ page }) => {
  const app = new CairnApp(page);
  await app.open('/alerts', 'manager');
  await expect(page.getByTestId('alerts-tab-maintenance')).toBeVisible();
  await expect(page.getByTestId('alerts-tab-channels')).toHaveCount(0);
  expect(app.errors).toEqual([]);
});

test('an admin plans a maintenance window: a missing reason is named, then it is in effect "until …", and ends', async ({ page }) => {
  const { app } = await openTab(page, 'admin', 'maintenance');
  await page.getByTestId('maintenance-new').click();
  const form = page.getByTestId('maintenance-form');
  await expect(form).toBeVisible();
  await form.getByTestId('maintenance-scope').selectOption('building');
  await form.getByTestId('maintenance-target').selectOption({ index: 1 });
  // Started half an hour ago, for two hours: in effect now (the browser's local time).
  const [from, to] = await page.evaluate(() => {
    const local = (ms: number) => {
      const d = new Date(ms);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
    };
    return [local(Date.now() - 30 * 60_000), local(Date.now() + 90 * 60_000)];
  });
  await form.getByTestId('maintenance-from').fill(from);
  await form.getByTestId('maintenance-to').fill(to);
  await form.getByTestId('maintenance-save').click();
  await expect(form.getByTestId('field-error-reason')).toBeVisible();
  await form.getByTestId('maintenance-reason').fill(REASON);
  await expect(form.getByTestId('field-error-reason')).toHaveCount(0);
  await form.getByTestId('maintenance-save').click();
  await expect(form).toHaveCount(0);
  const row = page.getByTestId('maintenance-table').getByTestId('maintenance-row').filter({ hasText: REASON });
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-running', 'true');
  await expect(row).toContainText('In effect');
  await expect(row).toContainText('until');
  expect(app.errors).toEqual([]);
});

for (const size of SIZES) {
  test(`screenshots of the channels and maintenance tabs at ${size.name} size (${size.width}×${size.height})`, async ({ page }) => {
    await page.setViewportSize({ width: size.width, height: size.height });
    const { app, alerts } = await openTab(page, 'admin', 'channels');
    const row = page.getByTestId('channel-row').filter({ hasText: CHANNEL });
    await expect(row).toHaveCount(1);
    await row.getByTestId('channel-show-deliveries').click();
    await expect(page.getByTestId('channel-deliveries')).toBeVisible();
    await page.screenshot({ path: `e2e/screenshots/channels-${size.name}.png` });
    await page.getByTestId('channel-new').click();
    await page.getByTestId('channel-kind').selectOption('webhook');
    await page.getByTestId('channel-target').fill('https://hooks.example/cairn');
    await page.getByTestId('channel-save').click();
    await expect(page.getByTestId('field-error-target')).toBeVisible();
    await page.getByTestId('channel-form').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: `e2e/screenshots/channels-form-${size.name}.png` });
    await page.getByTestId('channel-cancel').click();

    await alerts.tab('maintenance');
    await expect(page.getByTestId('maintenance-row').filter({ hasText: REASON })).toHaveCount(1);
    await page.getByTestId('maintenance-new').click();
    await expect(page.getByTestId('maintenance-form')).toBeVisible();
    await page.screenshot({ path: `e2e/screenshots/maintenance-${size.name}.png` });
    expect(app.errors).toEqual([]);
  });
}

test('the admin ends the window', async ({ page }) => {
  const { app } = await openTab(page, 'admin', 'maintenance');
  const row = page.getByTestId('maintenance-row').filter({ hasText: REASON });
  page.once('dialog', (d) => d.accept());
  await row.getByTestId('maintenance-end').click();
  await expect(row).toHaveCount(0);
  expect(app.errors).toEqual([]);
});

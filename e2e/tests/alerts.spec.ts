// Alerts end to end: an admin writes a rule (a field error shows under its
// field, the backtest reports, the rule is saved); a reading the e2e device
// posts raises its alarm in an operator's queue live, and the operator
// acknowledges it with a comment; a viewer sees the queue but may not
// acknowledge (no button, and the server refuses); screenshots of the form,
// the backtest and the queue at desktop and tablet sizes.
//
// The tests build on each other (the rule, then its alarm), so they run in
// order and stop at the first failure; afterAll puts the device back to
// normal and deletes the rule, so the specs after this one see no trace.
import { expect, request as apiRequest, test, type APIRequestContext, type Page } from '@playwright/test';
import { AlertsPage, type RuleInput } from '../pages/alerts';
import { account, CairnApp, type Role } from '../pages/app';

test.describe.configure({ mode: 'serial' });

const device = () => process.env.CAIRN_E2E_DEVICE!;

// One name per run, so a rerun against the same server finds only its own alarms.
const RULE: RuleInput = {
  name: `E2E CO₂ spike ${Date.now().toString(36)}`,
  severity: 'critical',
  scope: 'device',
  target: 'bru-a-f0-z02-ms',
  metric: 'co2',
  trigger: '3000',
  clear: '2500',
  onDelay: '0',
  offDelay: '0',
  action: 'Open the windows of zone 2 and check the air handling unit.',
};
const COMMENT = 'Windows opened, AHU checked';

const SIZES = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'tablet', width: 820, height: 1180 },
];

/** Posts a CO₂ reading (now) as the e2e device, with its own token. */
async function postCo2(request: APIRequestContext, ppm: number) {
  const res = await request.post('/api/ingest/senml', {
    headers: { Authorization: `Bearer ${process.env.CAIRN_E2E_DEVICE_TOKEN}`, 'Content-Type': 'application/senml+json' },
    data: JSON.stringify([{ bn: `${device()}/`, n: 'co2', u: 'ppm', v: ppm }]),
  });
  expect(res.status(), await res.text()).toBe(200);
}

/** The session's CSRF token, which every state-changing request sends back. */
async function csrf(request: APIRequestContext): Promise<string> {
  const me = await request.get('/api/auth/me');
  expect(me.status()).toBe(200);
  return (await me.json()).csrf_token;
}

/** The open alarms of this run's rule, as `request`'s user may see them. */
async function openAlarms(request: APIRequestContext): Promise<any[]> {
  const res = await request.get('/api/alarms?state=open');
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()).filter((a: any) => a.rule_name === RULE.name);
}

/** Signs in as `role` on the overview, waits for live data, then opens Alerts from the menu. */
async function openAlerts(page: Page, role: Role): Promise<{ app: CairnApp; alerts: AlertsPage }> {
  const app = new CairnApp(page);
  await app.open('/', role);
  // The snapshot (live values and open alarms) is in before the test looks at the queue.
  await app.waitLive(role === 'operator' ? 5 : 21);
  await app.navigate('nav-alerts');
  await expect(app.heading()).toHaveText('Alerts');
  return { app, alerts: new AlertsPage(page) };
}

test.afterAll(async () => {
  // Back to normal (the alarm clears and, acknowledged, closes), then the rule goes.
  const api = await apiRequest.newContext({ baseURL: process.env.CAIRN_E2E_URL });
  try {
    await postCo2(api, 600);
    const { username, password } = account('admin');
    const login = await api.post('/api/auth/login', { data: { username, password } });
    expect(login.status(), await login.text()).toBe(200);
    const headers = { 'x-csrf-token': await csrf(api) };
    const left = (await openAlarms(api)).filter((a) => a.state !== 'acknowledged').map((a) => a.id);
    if (left.length > 0) {
      const ack = await api.post('/api/alarms/ack', { headers, data: { ids: left, comment: 'e2e clean-up' } });
      expect(ack.status(), await ack.text()).toBe(200);
    }
    const rules = await (await api.get('/api/rules')).json();
    for (const r of rules.filter((r: any) => r.name === RULE.name)) {
      const del = await api.delete(`/api/rules/${r.id}`, { headers });
      expect(del.status(), await del.text()).toBe(204);
    }
  } finally {
    await api.dispose();
  }
});

test('an admin writes a rule: a field error under its field, a 7-day backtest, saved into the table', async ({ page }) => {
  const { app, alerts } = await openAlerts(page, 'admin');
  await alerts.newRule();
  // An 'above' rule that would clear above its trigger: refused under the field, as soon as it is left.
  await alerts.fill({ ...RULE, clear: '3500' });
  const error = alerts.fieldError('clear');
  await expect(error).toBeVisible();
  await expect(error).toContainText('at or below the trigger');
  // Under that field: in the clear threshold's own label, not at the top of the form.
  await expect(page.locator('label.cairn-field', { has: page.getByTestId('rule-clear') }).getByTestId('field-error-clear')).toBeVisible();
  await expect(alerts.fieldError('trigger')).toHaveCount(0);
  // Saving is refused while it stands, and says why.
  await alerts.form().getByTestId('rule-save').click();
  await expect(alerts.form()).toContainText('Some fields need attention');
  await expect(alerts.form()).toBeVisible();

  await alerts.number('clear', RULE.clear);
  await expect(error).toHaveCount(0);
  await expect(alerts.form().getByRole('alert')).toHaveCount(0);

  const result = await alerts.backtest(7);
  await expect(result).toContainText('Over the last 7 days this rule would have raised');
  await expect(result).toContainText(/alarms? per 10 min on average/);

  await alerts.save();
  const row = alerts.ruleRow(RULE.name);
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('CO₂');
  await expect(row.locator('td').nth(3)).toContainText(/critical/i);
  await expect(row.locator('td').nth(4)).toHaveText('on');

  // The server holds what was typed.
  const rules = await (await page.request.get('/api/rules')).json();
  const saved = rules.find((r: any) => r.name === RULE.name);
  expect(saved).toMatchObject({
    scope: 'device', target: device(), metric: 'co2', severity: 'critical',
    on_delay_s: 0, off_delay_s: 0, enabled: true, action: RULE.action, site_id: 'bru',
  });
  expect(app.errors).toEqual([]);
});

test('a reading over the trigger raises the alarm live; an operator acknowledges it with a comment', async ({ page, request }) => {
  const { app, alerts } = await openAlerts(page, 'operator');
  await expect(app.connection()).toHaveAttribute('data-state', 'connected');
  await expect(alerts.queue()).toBeVisible();
  await expect(alerts.rows(RULE.name)).toHaveCount(0);
  const before = await alerts.badgeCount();
  // A mark on the window: gone if the page were reloaded.
  await page.evaluate(() => ((window as unknown as { __noReload?: boolean }).__noReload = true));

  await postCo2(request, 3500);
  const row = alerts.rows(RULE.name);
  await expect(row).toHaveCount(1, { timeout: 5_000 });
  await expect(row).toHaveAttribute('data-severity', 'critical');
  await expect(row.getByTestId('alarm-state')).toHaveAttribute('data-state', 'unacknowledged');
  await expect(row).toContainText(`Action: ${RULE.action}`);
  await expect.poll(() => alerts.badgeCount(), { timeout: 5_000 }).toBeGreaterThan(before);
  await expect(alerts.badge()).toHaveAttribute('aria-label', /^\d+ unacknowledged$/);

  await row.getByTestId('alarm-ack').click();
  await row.getByTestId('alarm-ack-comment').fill(COMMENT);
  await row.getByTestId('alarm-ack-confirm').click();
  await expect(row.getByTestId('alarm-state')).toHaveAttribute('data-state', 'acknowledged');
  await expect(row.getByTestId('alarm-state')).toHaveText('Active, acknowledged');
  await expect(row).toContainText(`“${COMMENT}” — ${account('operator').username}`);
  await expect(row.getByTestId('alarm-ack')).toHaveCount(0);

  // The history, oldest first: raised, then acknowledged with the comment; a comment added shows in it.
  await row.getByTestId('alarm-history').click();
  await expect(row.getByTestId('alarm-history')).toHaveAttribute('aria-expanded', 'true');
  const events = row.getByTestId('alarm-event');
  await expect(events.first()).toHaveAttribute('data-kind', 'raised');
  const acked = events.filter({ hasText: 'Acknowledged' });
  await expect(acked).toHaveCount(1);
  await expect(acked).toContainText(COMMENT);
  await expect(acked).toContainText(`by ${account('operator').username}`);
  const box = row.getByTestId('alarm-comment');
  // An empty comment: the server's message under the box, nothing added.
  await row.getByTestId('alarm-comment-send').click();
  await expect(row.getByRole('alert')).toContainText('write a comment');
  const NOTE = 'Checked again at 10:00';
  await box.fill(NOTE);
  await row.getByTestId('alarm-comment-send').click();
  const noted = events.filter({ hasText: NOTE });
  await expect(noted).toHaveCount(1);
  await expect(noted).toHaveAttribute('data-kind', 'commented');
  await expect(box).toHaveValue('');
  await expect(row.getByRole('alert')).toHaveCount(0);

  // All of it without a reload, and the server agrees.
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  const [alarm] = await openAlarms(page.request);
  expect(alarm).toMatchObject({ state: 'acknowledged', acknowledged_by: account('operator').username, ack_comment: COMMENT });
  // The only error: the browser's console line for the empty comment's 422, asked for above.
  const refused = (e: string) => e.includes('status of 422 (Unprocessable Entity)');
  expect(app.errors.filter((e) => !refused(e))).toEqual([]);
  expect(app.errors.filter(refused)).toHaveLength(1);
});

test('a viewer sees the queue but may not acknowledge: no button, and the server refuses', async ({ page, request }) => {
  const { app, alerts } = await openAlerts(page, 'viewer');
  const row = alerts.rows(RULE.name);
  await expect(row.getByTestId('alarm-state')).toHaveAttribute('data-state', 'acknowledged');
  // Back to normal: the acknowledged alarm closes and leaves the queue, live.
  await postCo2(request, 600);
  await expect(row).toHaveCount(0, { timeout: 5_000 });
  // Over the trigger again: a new alarm nobody has acknowledged, which the viewer only sees.
  await postCo2(request, 3500);
  await expect(row).toHaveCount(1, { timeout: 5_000 });
  await expect(row.getByTestId('alarm-state')).toHaveAttribute('data-state', 'unacknowledged');
  await expect(row).toContainText(RULE.action);
  await expect(page.getByTestId('alarm-ack')).toHaveCount(0);
  await expect(page.getByTestId('alarm-select')).toHaveCount(0);
  await expect(page.getByTestId('alarm-select-all')).toHaveCount(0);
  await expect(page.getByTestId('alarm-shelve')).toHaveCount(0);
  // The history, without the comment box.
  await row.getByTestId('alarm-history').click();
  await expect(row.getByTestId('alarm-event').first()).toHaveAttribute('data-kind', 'raised');
  await expect(page.getByTestId('alarm-comment')).toHaveCount(0);

  // The server decides, not the page: the viewer's own session and CSRF token are refused.
  const id = Number(await row.getAttribute('data-alarm'));
  const res = await page.request.post('/api/alarms/ack', {
    headers: { 'x-csrf-token': await csrf(page.request) },
    data: { ids: [id], comment: 'a viewer tries' },
  });
  expect(res.status(), await res.text()).toBe(403);
  expect((await res.json()).error.code).toBe('forbidden');
  const [alarm] = await openAlarms(page.request);
  expect(alarm).toMatchObject({ id, state: 'unacknowledged' });
  await expect(row.getByTestId('alarm-state')).toHaveAttribute('data-state', 'unacknowledged');
  expect(app.errors).toEqual([]);
});

// Screenshots to look at (in e2e/screenshots, not tracked, like screenshots.spec.ts's).
for (const size of SIZES) {
  test(`screenshots of the rule form, the backtest and the queue at ${size.name} size (${size.width}×${size.height})`, async ({ page }) => {
    await page.setViewportSize({ width: size.width, height: size.height });
    const { app, alerts } = await openAlerts(page, 'admin');
    await alerts.newRule();
    await alerts.fill({ ...RULE, name: `${RULE.name} (draft)`, clear: '3500' });
    const error = alerts.fieldError('clear');
    await expect(error).toBeVisible();
    await alerts.input('trigger').evaluate((e) => e.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: `e2e/screenshots/alerts-rule-error-${size.name}.png` });

    await alerts.number('clear', RULE.clear);
    await expect(error).toHaveCount(0);
    const result = await alerts.backtest(7);
    // The device's history now holds the tests' 3,500 ppm: the report has a chart to show.
    await expect(result).toContainText('Over the last 7 days this rule would have raised');
    const chart = result.getByTestId('backtest-chart');
    await expect(chart.locator('canvas').first()).toBeVisible();
    await expect(chart.locator('.cairn-chart__readout')).toContainText('max');
    await result.evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: `e2e/screenshots/alerts-backtest-${size.name}.png` });
    await alerts.form().getByTestId('rule-cancel').click();
    await expect(alerts.form()).toHaveCount(0);
    expect(app.errors).toEqual([]);

    // The queue as the operator sees it, with the alarm.
    await page.context().clearCookies();
    const op = await openAlerts(page, 'operator');
    const row = op.alerts.rows(RULE.name);
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId('alarm-ack')).toBeVisible();
    await page.screenshot({ path: `e2e/screenshots/alerts-queue-${size.name}.png` });
    expect(op.app.errors).toEqual([]);
  });
}

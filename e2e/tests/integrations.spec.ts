// Real devices in, end to end: an admin adds a The Things Stack integration
// on Admin → Integrations (field errors first), the network server's webhook
// posts an uplink from a DevEUI Cairn does not know (answered 200: a network
// server pauses a webhook that fails), it appears as waiting
// to be claimed, the admin claims it in one step (its points from the keys
// it sent, by its model), opens the device and sees its next uplink arrive
// live. An admin defines a metric on Admin → Metrics and a device can then
// have a point of it. Screenshots of both pages at desktop and tablet sizes.
//
// The claimed device is placed afterwards through the API, so the map's
// counts (placed devices) still add up to the list's (map.spec.ts runs later).
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { CairnApp } from '../pages/app';

test.describe.configure({ mode: 'serial' });

const RUN = Date.now().toString(36);
const INTEGRATION = `e2e-tts-${RUN}`;
const SECRET = `e2e-secret-${RUN}-0123456789`;
/** A DevEUI no device has: 16 hex digits, new each run. */
const EUI = `70b3d57e${Date.now().toString(16)}`.slice(0, 16);
const DEVICE = `e2e-am319-${RUN}`;

const SIZES = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'tablet', width: 820, height: 1180 },
];

async function csrf(request: APIRequestContext): Promise<string> {
  const me = await request.get('/api/auth/me');
  expect(me.status()).toBe(200);
  return (await me.json()).csrf_token;
}

/** A The Things Stack v3 uplink as its webhook posts it, received now. */
function uplink(decoded: Record<string, unknown>) {
  const now = new Date().toISOString();
  return {
    end_device_ids: {
      device_id: 'am319-room-3-02', application_ids: { application_id: 'cairn-offices' },
      dev_eui: EUI.toUpperCase(), join_eui: '24E124C0002A0001', dev_addr: '260B1234',
    },
    received_at: now,
    uplink_message: {
      f_port: 85, f_cnt: 12, frm_payload: 'A2fsAARoRgV9WAI=', decoded_payload: decoded,
      rx_metadata: [{ gateway_ids: { gateway_id: 'gw-roof' }, rssi: -88, snr: 7.25 }],
      received_at: now, version_ids: { brand_id: 'milesight-iot', model_id: 'am319' },
    },
  };
}

async function post(page: Page, url: string, body: unknown, secret = SECRET) {
  return page.request.post(url, { headers: { Authorization: `Bearer ${secret}` }, data: body });
}

test('an admin adds a The Things Stack integration and claims the device it heard, then sees its next reading live', async ({ page }) => {
  const app = new CairnApp(page);
  await app.open('/admin/integrations', 'admin');
  await expect(page.getByTestId('integrations-page')).toBeVisible();
  await expect(app.heading()).toHaveText('Integrations');

  // The form: a bad id and a short secret are named under their fields.
  await page.getByTestId('integrations-new').click();
  const form = page.getByTestId('integrations-form');
  await form.getByTestId('integrations-form-id').fill('Not An Id');
  await form.getByTestId('integrations-form-kind').selectOption('tts');
  await form.getByTestId('integrations-form-name').fill(`E2E offices ${RUN}`);
  await form.getByTestId('integrations-form-secret').fill('short');
  await form.getByTestId('integrations-form-save').click();
  await expect(form.getByTestId('field-error-id')).toBeVisible();
  await expect(form.getByTestId('field-error-secret')).toBeVisible();
  await form.getByTestId('integrations-form-id').fill(INTEGRATION);
  await form.getByTestId('integrations-form-secret').fill(SECRET);
  await form.getByTestId('integrations-form-save').click();
  await expect(page.getByTestId('integrations-secret')).toHaveText(SECRET);
  const card = page.getByTestId(`integration-${INTEGRATION}`);
  await expect(card).toBeVisible();
  const url = await card.getByTestId(`webhook-url-${INTEGRATION}`).inputValue();
  expect(url).toMatch(new RegExp(`/api/integrations/${INTEGRATION}/uplink$`));

  // The network server posts: a wrong secret is refused, an unknown DevEUI waits.
  expect((await post(page, url, uplink({ co2: 600 }), 'not-the-secret-000')).status()).toBe(401);
  const first = await post(page, url, uplink({ temperature: 21.5, humidity: 44, co2: 600, light_level: 2 }));
  expect(first.status(), await first.text()).toBe(200);
  expect((await first.json()).outcome).toBe('waiting');
  const waiting = page.getByTestId(`waiting-${EUI}`);
  await expect(async () => {
    await page.getByTestId('waiting-refresh').click();
    await expect(waiting).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(waiting).toContainText('am319-room-3-02');
  await expect(waiting).toContainText('temperature');

  // Claimed in one step.
  await page.getByTestId(`claim-${EUI}`).click();
  const claim = page.getByTestId('claim-form');
  await claim.getByTestId('claim-id').fill(DEVICE);
  await claim.getByTestId('claim-name').fill(`E2E room 3.02 ${RUN}`);
  await claim.getByTestId('claim-site').selectOption('bru');
  await claim.getByTestId('claim-kind').selectOption('multisensor');
  await claim.getByTestId('claim-model').fill('Milesight AM319');
  await claim.getByTestId('claim-submit').click();
  await expect(page.getByTestId('claim-token')).toHaveText(new RegExp(`^${DEVICE}\\.`));
  await expect(page.getByTestId(`waiting-${EUI}`)).toHaveCount(0);
  const device = await (await page.request.get(`/api/devices/${DEVICE}`)).json();
  expect(device.aliases).toEqual([EUI]);
  const points = (await (await page.request.get(`/api/points?device=${DEVICE}`)).json()).items;
  expect(points.map((p: { metric: string }) => p.metric).sort()).toEqual(['air_temperature', 'co2', 'relative_humidity', 'signal']);

  // Its page, then its next uplink: the value arrives on the open page.
  await page.getByTestId('claim-open').click();
  await expect(page).toHaveURL(new RegExp(`/devices/${DEVICE}$`));
  await expect(app.connection()).toHaveAttribute('data-state', 'connected');
  const co2 = page.getByTestId('device-point-row').filter({ hasText: 'CO₂' });
  await expect(co2).toBeVisible();
  const next = await post(page, url, uplink({ temperature: 21.6, humidity: 45, co2: 612 }));
  expect(next.status(), await next.text()).toBe(200);
  await expect(co2.getByTestId('live-value')).toContainText('612');
  await expect(page.getByTestId('device-point-row').filter({ hasText: 'Signal' }).getByTestId('live-value')).toContainText('-88');

  // Placed, so the map's counts keep adding up.
  const spec = {
    id: DEVICE, name: device.name, kind: device.kind, model: device.model, site_id: device.site_id,
    aliases: device.aliases, tags: device.tags, location: { lat: 50.8466, lon: 4.3528 },
    points: points.map((p: { metric: string; interval_s: number }) => ({ metric: p.metric, interval_s: p.interval_s })),
  };
  const placed = await page.request.put(`/api/devices/${DEVICE}`, { headers: { 'x-csrf-token': await csrf(page.request) }, data: spec });
  expect(placed.status(), await placed.text()).toBe(200);
  expect(app.errors).toEqual([]);
});

test('an admin defines a metric, and a device form offers it as a point', async ({ page }) => {
  const app = new CairnApp(page);
  await app.open('/admin/metrics', 'admin');
  await expect(page.getByTestId('metrics-page')).toBeVisible();
  await expect(page.getByTestId('metric-pm2_5')).toContainText('µg/m³');
  const name = `e2e_depth_${RUN}`.replace(/[^a-z0-9_]/g, '_');
  await page.getByTestId('metric-new').click();
  const form = page.getByTestId('metric-form');
  await form.getByTestId('metric-form-name').fill(name);
  await form.getByTestId('metric-form-label').fill('Snow depth');
  await form.getByTestId('metric-form-unit').fill('m');
  await form.getByTestId('metric-form-min').fill('5');
  await form.getByTestId('metric-form-max').fill('1');
  await form.getByTestId('metric-form-precision').fill('2');
  await form.getByTestId('metric-form-save').click();
  await expect(form.getByTestId('field-error-max')).toBeVisible();
  await form.getByTestId('metric-form-min').fill('0');
  await form.getByTestId('metric-form-max').fill('10');
  await form.getByTestId('metric-form-save').click();
  await expect(page.getByTestId('metric-notice')).toContainText(name);
  await expect(page.getByTestId(`metric-${name}`)).toContainText('Snow depth');

  // The device form lists it among the metrics a point can measure.
  await page.goto('/devices?new=1');
  await expect(page.getByTestId('device-point-metric').first().locator('option', { hasText: 'Snow depth' })).toBeAttached();
  expect(app.errors).toEqual([]);
});

test("a device with a point of the admin's metric: its reading, its chart, and a rule's status on the map", async ({ page }) => {
  const app = new CairnApp(page);
  await app.open('/', 'admin');
  const name = `e2e_depth_${RUN}`.replace(/[^a-z0-9_]/g, '_');
  const headers = { 'x-csrf-token': await csrf(page.request) };
  const id = `e2e-roof-${RUN}`;
  const created = await page.request.post('/api/devices', {
    headers,
    data: {
      id, name: `E2E roof ${RUN}`, kind: 'multisensor', site_id: 'bru', tags: ['e2e'],
      location: { lat: 50.8466, lon: 4.3528 }, points: [{ metric: name, interval_s: 600 }],
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const token: string = (await created.json()).token;
  const rule = await page.request.post('/api/rules', {
    headers,
    data: {
      name: `E2E snow load ${RUN}`, scope: 'device', target: id, metric: name,
      condition: { kind: 'above', trigger: 0.5, clear: 0.4 }, on_delay_s: 0, off_delay_s: 0,
      severity: 'critical', enabled: true,
    },
  });
  expect(rule.status(), await rule.text()).toBe(200);
  const ruleId = (await rule.json()).id;
  const posted = await page.request.post('/api/ingest/senml', {
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/senml+json' },
    data: JSON.stringify([{ bn: `${id}/`, n: name, u: 'm', v: 0.7 }]),
  });
  expect(posted.status(), await posted.text()).toBe(200);

  // The map: its marker's popup says critical, with the value in the metric's unit.
  await page.goto('/map');
  await expect(app.connection()).toHaveAttribute('data-state', 'connected');
  // The devices are loaded once sensors are drawn.
  await expect(page.locator('canvas.cairn-map__sensors')).toHaveAttribute('data-marks', /^[1-9]/);
  await page.getByTestId('map-search').fill(id);
  await page.getByRole('button', { name: 'Find' }).click();
  const popup = page.getByTestId('map-popup');
  await expect(popup).toHaveAttribute('data-device', id);
  await expect(page.getByTestId('map-popup-status')).toHaveText('Critical');
  await expect(popup).toContainText(/0\.70\s*m/);

  // Its chart.
  await popup.getByRole('link', { name: 'Chart' }).first().click();
  await expect(page).toHaveURL(/\/points\/\d+$/);
  await expect(page.locator('canvas').first()).toBeVisible();
  await expect(page.locator('body')).toContainText('Snow depth');

  // The rule goes: its alarm closes, so the specs after this one find no trace.
  const gone = await page.request.delete(`/api/rules/${ruleId}`, { headers: { 'x-csrf-token': await csrf(page.request) } });
  expect(gone.status()).toBe(204);
  expect(app.errors).toEqual([]);
});

for (const size of SIZES) {
  test(`screenshots of the integrations and metrics pages (${size.name})`, async ({ page }) => {
    await page.setViewportSize({ width: size.width, height: size.height });
    const app = new CairnApp(page);
    await app.open('/admin/integrations', 'admin');
    await expect(page.getByTestId(`integration-${INTEGRATION}`)).toBeVisible();
    // A device waiting, for the picture.
    const url = await page.getByTestId(`webhook-url-${INTEGRATION}`).inputValue();
    const other = uplink({ temperature: 20.1, co2: 540 });
    other.end_device_ids.dev_eui = `A84041${Date.now().toString(16)}`.slice(0, 16).toUpperCase();
    other.end_device_ids.device_id = 'lht65-cold-room';
    const heard = await post(page, url, other);
    expect(heard.status()).toBe(200);
    expect((await heard.json()).outcome).toBe('waiting');
    await page.getByTestId('waiting-refresh').click();
    await expect(page.getByTestId('waiting-table')).toBeVisible();
    await page.screenshot({ path: `e2e/screenshots/integrations-${size.name}.png`, fullPage: true });
    await page.goto('/admin/metrics');
    await expect(page.getByTestId('metrics-page')).toBeVisible();
    await expect(page.getByTestId('metric-co2')).toBeVisible();
    await page.screenshot({ path: `e2e/screenshots/metrics-${size.name}.png`, fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    // Not ours: dismissed from the list (after a confirmation).
    await page.goto('/admin/integrations');
    const eui = other.end_device_ids.dev_eui.toLowerCase();
    await expect(page.getByTestId(`waiting-${eui}`)).toBeVisible();
    page.once('dialog', (d) => d.accept());
    await page.getByTestId(`dismiss-${eui}`).click();
    await expect(page.getByTestId(`waiting-${eui}`)).toHaveCount(0);
    const left = await (await page.request.get('/api/integrations/waiting')).json();
    expect(left.map((w: { identifier: string }) => w.identifier)).not.toContain(eui);
    expect(app.errors).toEqual([]);
  });
}

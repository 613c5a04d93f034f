// The device inventory end to end: search, filters, chips and sort find a
// device and live in the URL (a reload shows the same view); filters saved as
// a named view (kept in the browser's localStorage) come back when the view
// is picked, are still listed after a reload, and are deleted; the table
// keeps only the rows in view in the DOM and pages as it scrolls; an admin
// creates a device (a latitude of 95 is named under its field first, then
// fixed), sees its ingest token once (gone after a reload) and the token
// works; the server's 422 (an id taken) shows under the id; a tap at the
// centre of the chosen floor's plan in the form fills plan x/y with half the
// floor's width and height (north up); a viewer sees no
// edit control, no checkbox and no import, and the server refuses the
// viewer's PUT; a device whose last reading is 10 minutes old with a 60 s
// interval is Silent in the list and on its page; an admin imports a CSV (an
// error by row and column first, fixed, applied; the same file again is all
// unchanged) and the export link carries the list's filters; the two imported
// devices are retired in bulk and listed under "Retired"; screenshots of the
// table, a device page, the form and the import at desktop and tablet sizes
// (at 1440 px every column fits without a sideways scroll).
//
// The devices this spec creates stay (there is no delete): each ends placed,
// like any other, so the map's counts (placed devices) still add up to the
// list's (map.spec.ts runs after this file). The silent device is created
// unplaced and placed once its checks are done.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { CairnApp, type Role } from '../pages/app';
import { DevicesPage, type DeviceInput } from '../pages/devices';

test.describe.configure({ mode: 'serial' });

const RUN = Date.now().toString(36);
/** The e2e device: a multisensor in zone 2 of Brussels A's ground floor. */
const KNOWN = process.env.CAIRN_E2E_DEVICE ?? 'bru-a-f0-z02-ms';
const NEW: DeviceInput = {
  id: `e2e-th-${RUN}`,
  name: `E2E thermometer ${RUN}`,
  kind: 'thermometer',
  site: 'bru',
  building: 'bru-a',
  floor: 'bru-a-f0',
  zone: 'bru-a-f0-z02',
  lat: '50.8466',
  lon: '4.3528',
  model: 'Elsys ERS Lite',
  tags: 'sensor, air, temp, e2e',
};

const SIZES = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'tablet', width: 820, height: 1180 },
];

/** The session's CSRF token, which every state-changing request sends back. */
async function csrf(request: APIRequestContext): Promise<string> {
  const me = await request.get('/api/auth/me');
  expect(me.status()).toBe(200);
  return (await me.json()).csrf_token;
}

/** Signs in as `role` at `path` and waits for the live snapshot (the site and building choices). */
async function open(page: Page, path: string, role: Role = 'admin'): Promise<{ app: CairnApp; devices: DevicesPage }> {
  const app = new CairnApp(page);
  await app.open(path, role);
  await expect(app.connection()).toHaveAttribute('data-state', 'connected');
  return { app, devices: new DevicesPage(page) };
}

/** The browser's console line for a refused request (asked for by the test). */
const refused = (status: number) => (e: string) => e.includes(`status of ${status}`);

test('search, filters and sort find a device, and the URL reproduces the view after a reload', async ({ page }) => {
  const { app, devices } = await open(page, '/devices');
  await devices.waitLoaded();
  const all = await devices.totalCount();
  expect(all).toBeGreaterThan(1_000);

  await devices.search().fill(KNOWN);
  await expect(page).toHaveURL(new RegExp(`[?&]q=${KNOWN}`));
  await devices.filter('site').selectOption('bru');
  await expect(page).toHaveURL(/[?&]site=bru/);
  await devices.filter('kind').selectOption('multisensor');
  await expect(page).toHaveURL(/[?&]kind=multisensor/);
  await expect(devices.rows()).toHaveCount(1);
  await expect(devices.row(KNOWN)).toBeVisible();
  await expect(devices.total()).toHaveText('1 device');
  // Counts per value: with every other filter applied, Brussels has this one multisensor.
  await expect(devices.filter('kind').locator('option[value="multisensor"]')).toHaveText(/\(1\)$/);
  // Sorted by id, descending (the second click turns it round).
  await devices.sortButton('id').click();
  await expect(page).toHaveURL(/[?&]sort=id/);
  await expect(devices.header('id')).toHaveAttribute('aria-sort', 'ascending');
  await devices.sortButton('id').click();
  await expect(page).toHaveURL(/[?&]dir=desc/);
  await expect(devices.header('id')).toHaveAttribute('aria-sort', 'descending');
  const url = page.url();

  await page.reload();
  await devices.waitLoaded();
  expect(page.url()).toBe(url);
  await expect(devices.search()).toHaveValue(KNOWN);
  await expect(devices.filter('site')).toHaveValue('bru');
  await expect(devices.filter('kind')).toHaveValue('multisensor');
  await expect(devices.header('id')).toHaveAttribute('aria-sort', 'descending');
  await expect(devices.rows()).toHaveCount(1);
  await expect(devices.row(KNOWN)).toBeVisible();
  await expect(devices.row(KNOWN).getByTestId('device-link')).toHaveAttribute('href', `/devices/${KNOWN}`);

  // A health chip: as many devices as its count said (the counts of a filter leave that filter out).
  await page.getByTestId('devices-clear').click();
  await expect(devices.search()).toHaveValue('');
  await expect(devices.total()).toHaveText(`${all.toLocaleString('en-US')} devices`);
  const low = await devices.chipCount('low_battery');
  expect(low).toBeGreaterThanOrEqual(0);
  await devices.chip('low_battery').click();
  await expect(devices.chip('low_battery')).toHaveAttribute('aria-pressed', 'true');
  await expect(page).toHaveURL(/[?&]health=low_battery/);
  await expect(devices.total()).toHaveText(`${low.toLocaleString('en-US')} device${low === 1 ? '' : 's'}`);
  if (low > 0) await expect(devices.rows().first().getByTestId('device-status')).toContainText('Low battery');
  const shown = await devices.rows().evaluateAll((rows) => rows.slice(0, 5).map((r) => r.getAttribute('data-device')));
  await page.reload();
  await devices.waitLoaded();
  await expect(devices.chip('low_battery')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => devices.rows().evaluateAll((rows) => rows.slice(0, 5).map((r) => r.getAttribute('data-device'))))
    .toEqual(shown);
  expect(app.errors).toEqual([]);
});

test('filters saved as a named view come back when it is picked, stay listed after a reload, and the view is deleted', async ({ page }) => {
  const NAME = 'Low battery thermometers';
  const { app, devices } = await open(page, '/devices');
  await devices.waitLoaded();
  const all = await devices.totalCount();
  // A new browser context: nothing saved in this browser yet.
  await expect(devices.views()).toBeDisabled();
  await expect(devices.viewOptions()).toHaveCount(0);

  await devices.chip('low_battery').click();
  await expect(page).toHaveURL(/[?&]health=low_battery/);
  await devices.filter('kind').selectOption('thermometer');
  await expect(page).toHaveURL(/[?&]kind=thermometer/);
  // The server's count for these filters: the list's total once it has loaded.
  const res = await page.request.get('/api/devices?kind=thermometer&health=low_battery&limit=1');
  expect(res.status(), await res.text()).toBe(200);
  const n: number = (await res.json()).total;
  const shown = `${n.toLocaleString('en-US')} device${n === 1 ? '' : 's'}`;
  await expect(devices.total()).toHaveText(shown);
  const url = page.url();

  // A blank name is refused (names are trimmed); a good one is saved with the query shown.
  await devices.openSaveView();
  await devices.saveViewAs('   ');
  await expect(page.getByTestId('devices-view-name-error')).toHaveText('give the view a name');
  await expect(devices.viewOptions()).toHaveCount(0);
  await devices.saveViewAs(NAME);
  await expect(devices.viewName()).toHaveCount(0);
  await expect(devices.viewOptions()).toHaveText([NAME]);
  await expect(devices.views()).toHaveValue(NAME);
  expect(await devices.storedViews()).toEqual([{ name: NAME, query: new URL(url).search.slice(1) }]);

  await page.getByTestId('devices-clear').click();
  await expect(page).toHaveURL(/\/devices$/);
  await expect(devices.total()).toHaveText(`${all.toLocaleString('en-US')} devices`);
  await expect(devices.views()).toHaveValue('');
  await expect(devices.viewDelete()).toHaveCount(0);

  // Picked: the same URL, filters and total as when it was saved.
  await devices.views().selectOption(NAME);
  await expect(page).toHaveURL(url);
  await expect(devices.total()).toHaveText(shown);
  await expect(devices.chip('low_battery')).toHaveAttribute('aria-pressed', 'true');
  await expect(devices.filter('kind')).toHaveValue('thermometer');

  // Kept in this browser: a reload still lists it (and shows it picked, as the URL is its query).
  await page.reload();
  await devices.waitLoaded();
  await expect(devices.viewOptions()).toHaveText([NAME]);
  await expect(devices.views()).toHaveValue(NAME);

  // Deleted: gone from the select and from storage; the filters stay on screen.
  await devices.viewDelete().click();
  await expect(devices.viewOptions()).toHaveCount(0);
  await expect(devices.views()).toBeDisabled();
  await expect(devices.viewDelete()).toHaveCount(0);
  expect(await devices.storedViews()).toEqual([]);
  expect(page.url()).toBe(url);
  await expect(devices.total()).toHaveText(shown);
  expect(app.errors).toEqual([]);
});

test('the table keeps only the rows in view in the DOM and fetches pages as it scrolls', async ({ page }) => {
  const { app, devices } = await open(page, '/devices?sort=id');
  await devices.waitLoaded();
  const total = await devices.totalCount();
  expect(total).toBeGreaterThan(1_000);
  const table = devices.table();
  await expect(table).toHaveAttribute('aria-rowcount', String(total + 1));
  await expect(table).toHaveAttribute('data-loaded', '200');
  const inDom = await devices.rows().count();
  expect(inDom).toBeGreaterThan(5);
  expect(inDom).toBeLessThan(60);
  // To the very end: page after page comes (keyset, 200 each) until the last row is drawn.
  await table.evaluate((e) => { e.scrollTop = e.scrollHeight; });
  const last = page.locator(`[data-testid="device-row"][aria-rowindex="${total + 1}"]`);
  await expect(last).toBeVisible({ timeout: 30_000 });
  await expect(table).toHaveAttribute('data-loaded', String(total));
  expect(await devices.rows().count()).toBeLessThan(60);
  expect(app.errors).toEqual([]);
});

test('an admin creates a device: a field error under its field, fixed; the token shown once, and it works', async ({ page }) => {
  const { app, devices } = await open(page, '/devices');
  await devices.waitLoaded();
  await devices.openForm();
  await devices.fill({ ...NEW, lat: '95' });
  const error = devices.fieldError('location.lat');
  await expect(error).toBeVisible();
  await expect(error).toContainText('a latitude from -90 to 90 degrees');
  // Under that field: in the latitude's own label.
  await expect(page.locator('label.cairn-field', { has: page.getByTestId('device-location.lat') }).getByTestId('field-error-location.lat')).toBeVisible();
  await expect(devices.fieldError('location.lon')).toHaveCount(0);
  // Saving is refused while it stands, and says why.
  await devices.save().click();
  await expect(devices.form()).toContainText('Some fields need attention');
  await expect(devices.tokenNotice()).toHaveCount(0);

  await devices.type('location.lat', NEW.lat);
  await expect(error).toHaveCount(0);
  await expect(devices.form().getByRole('alert')).toHaveCount(0);
  // A thermometer's usual points came with the kind.
  await expect(devices.form().getByTestId('device-point')).toHaveCount(3);
  await devices.save().click();
  await expect(devices.form()).toHaveCount(0);
  await expect(page).not.toHaveURL(/new=1/);

  const notice = devices.tokenNotice();
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('shown once: copy it now');
  const token = (await devices.token().textContent())!.trim();
  expect(token).toMatch(new RegExp(`^${NEW.id}\\.[0-9a-f]{32,}$`));
  await expect(notice.getByTestId('device-token-open')).toHaveAttribute('href', `/devices/${NEW.id}`);

  // The server holds what was typed.
  const res = await page.request.get(`/api/devices/${NEW.id}`);
  expect(res.status(), await res.text()).toBe(200);
  expect(await res.json()).toMatchObject({
    id: NEW.id, name: NEW.name, kind: 'thermometer', site_id: 'bru', building_id: 'bru-a', floor_id: 'bru-a-f0',
    zone_id: 'bru-a-f0-z02', location: { lat: 50.8466, lon: 4.3528 }, model: NEW.model, tags: ['sensor', 'air', 'temp', 'e2e'],
  });
  // The token is the device's: it may post its own reading.
  const posted = await page.request.post('/api/ingest/senml', {
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/senml+json' },
    data: JSON.stringify([{ bn: `${NEW.id}/`, n: 'air_temperature', u: 'Cel', v: 21.5 }]),
  });
  expect(posted.status(), await posted.text()).toBe(200);

  // Shown once: a reload finds no trace of it.
  await page.reload();
  await devices.waitLoaded();
  await expect(devices.tokenNotice()).toHaveCount(0);
  await expect(devices.token()).toHaveCount(0);

  // The server's 422 lands under its field: the id is taken now.
  await devices.openForm();
  await devices.fill({ ...NEW, name: `${NEW.name} (again)` });
  await devices.save().click();
  await expect(devices.fieldError('id')).toContainText('exists already');
  await expect(devices.form()).toBeVisible();
  await devices.form().getByTestId('device-cancel').click();
  await expect(devices.form()).toHaveCount(0);

  // Its page: what was typed, and the reading it sent.
  await devices.openDevice(NEW.id);
  await expect(app.heading()).toHaveText(NEW.name);
  await expect(page.getByTestId('device-location')).toHaveText('50.84660, 4.35280');
  await expect(page.getByTestId('device-floor-link')).toHaveAttribute('href', '/map/floors/bru-a-f0');
  await expect(page.getByTestId('device-point-row')).toHaveCount(3);
  await expect(page.getByTestId('device-edit')).toBeVisible();
  await expect(page.getByTestId('device-rotate-token')).toBeVisible();
  // Its history, from the audit log: created by this admin.
  const entry = page.getByTestId('device-history-entry');
  await expect(entry).toHaveCount(1);
  await expect(entry.first()).toHaveAttribute('data-action', 'device.create');
  await expect(entry.first()).toContainText('Created by');
  expect(app.errors.filter((e) => !refused(422)(e))).toEqual([]);
  expect(app.errors.filter(refused(422))).toHaveLength(1);
});

test('an admin taps the floor plan in the new-device form and the plan x/y inputs get the spot', async ({ page }) => {
  const { app, devices } = await open(page, '/devices');
  await devices.waitLoaded();
  const res = await page.request.get('/api/floors?floor=bru-a-f0');
  expect(res.status(), await res.text()).toBe(200);
  const floor = (await res.json()).items[0];
  expect(floor).toMatchObject({ id: 'bru-a-f0' });
  expect(floor.width_m).toBeGreaterThan(0);
  expect(floor.height_m).toBeGreaterThan(0);

  await devices.openForm();
  await devices.input('site_id').selectOption('bru');
  await devices.input('building_id').selectOption('bru-a');
  await devices.input('floor_id').selectOption('bru-a-f0');
  const picker = devices.planPicker();
  await expect(picker).toBeVisible();
  await expect(picker.locator('img')).toHaveAttribute('src', floor.plan_url);
  await expect(devices.form()).toContainText('Tap the plan to place it');
  // No spot typed yet: no dot.
  await expect(devices.planMarker()).toHaveCount(0);

  // The centre of the plan is half the floor's width east and half its height north.
  const box = (await picker.boundingBox())!;
  await picker.click({ position: { x: box.width / 2, y: box.height / 2 } });
  await expect(devices.input('plan.x')).not.toHaveValue('');
  await expect(devices.input('plan.y')).not.toHaveValue('');
  const x = Number(await devices.input('plan.x').inputValue());
  const y = Number(await devices.input('plan.y').inputValue());
  expect(Math.abs(x - floor.width_m / 2), `x ${x} of ${floor.width_m} m`).toBeLessThanOrEqual(0.5);
  expect(Math.abs(y - floor.height_m / 2), `y ${y} of ${floor.height_m} m`).toBeLessThanOrEqual(0.5);
  await expect(devices.planMarker()).toBeVisible();

  await devices.form().getByTestId('device-cancel').click();
  await expect(devices.form()).toHaveCount(0);
  expect(app.errors).toEqual([]);
});

test('a viewer sees no edit control, and the server refuses the viewer\'s change', async ({ page }) => {
  const { app, devices } = await open(page, '/devices', 'viewer');
  await devices.waitLoaded();
  await expect(page.getByTestId('devices-add')).toHaveCount(0);
  // Export is anyone's; import and bulk changes are not.
  await expect(devices.exportLink()).toBeVisible();
  await expect(page.getByTestId('devices-import-open')).toHaveCount(0);
  await expect(devices.rows().first()).toBeVisible();
  await expect(page.getByTestId('device-select')).toHaveCount(0);
  await expect(devices.selectAll()).toHaveCount(0);
  await page.goto('/devices?new=1');
  await devices.waitLoaded();
  await expect(devices.form()).toHaveCount(0);

  await devices.openDevice(KNOWN);
  await expect(page.getByTestId('device-points')).toBeVisible();
  await expect(page.getByTestId('device-edit')).toHaveCount(0);
  await expect(page.getByTestId('device-rotate-token')).toHaveCount(0);
  await expect(devices.form()).toHaveCount(0);

  // The server decides, not the page: the viewer's own session and CSRF token are refused.
  const device = await (await page.request.get(`/api/devices/${KNOWN}`)).json();
  const points = (await (await page.request.get(`/api/points?device=${KNOWN}`)).json()).items;
  const spec = {
    id: device.id, name: `${device.name} (a viewer tries)`, kind: device.kind, model: device.model,
    firmware: device.firmware, serial: device.serial, installed: device.installed, site_id: device.site_id,
    building_id: device.building_id, floor_id: device.floor_id, zone_id: device.zone_id,
    location: device.location, plan: device.plan, tags: device.tags,
    points: points.map((p: any) => ({ metric: p.metric, interval_s: p.interval_s })), state: device.state,
  };
  const res = await page.request.put(`/api/devices/${KNOWN}`, { headers: { 'x-csrf-token': await csrf(page.request) }, data: spec });
  expect(res.status(), await res.text()).toBe(403);
  expect((await res.json()).error.code).toBe('forbidden');
  const after = await (await page.request.get(`/api/devices/${KNOWN}`)).json();
  expect(after.name).toBe(device.name);
  // Rotating its token is an admin's too.
  const rotate = await page.request.post(`/api/devices/${KNOWN}/token`, { headers: { 'x-csrf-token': await csrf(page.request) } });
  expect(rotate.status(), await rotate.text()).toBe(403);
  expect(app.errors).toEqual([]);
});

test('a device that stops posting shows as Silent in the list and on its page', async ({ page }) => {
  const { app, devices } = await open(page, '/devices');
  await devices.waitLoaded();
  const id = `e2e-silent-${RUN}`;
  const spec = {
    id, name: `E2E silent thermometer ${RUN}`, kind: 'thermometer', site_id: 'bru',
    points: [{ metric: 'air_temperature', interval_s: 60 }], tags: ['e2e'],
  };
  const created = await page.request.post('/api/devices', { headers: { 'x-csrf-token': await csrf(page.request) }, data: spec });
  expect(created.status(), await created.text()).toBe(201);
  const token: string = (await created.json()).token;
  // One reading, 10 minutes old: with a 60 s interval it is silent after 2 × 60 s + 60 s.
  const t = Math.floor((Date.now() - 10 * 60_000) / 1000);
  const posted = await page.request.post('/api/ingest/senml', {
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/senml+json' },
    data: JSON.stringify([{ n: `${id}/air_temperature`, u: 'Cel', v: 21.5, t }]),
  });
  expect(posted.status(), await posted.text()).toBe(200);

  await devices.chip('silent').click();
  await expect(devices.chip('silent')).toHaveAttribute('aria-pressed', 'true');
  await devices.search().fill(id);
  await expect(page).toHaveURL(new RegExp(`[?&]q=${id}`));
  await expect(page).toHaveURL(/[?&]health=silent/);
  await expect(devices.total()).toHaveText('1 device');
  const row = devices.row(id);
  await expect(row).toBeVisible();
  await expect(row.getByTestId('device-status').locator('[data-flag="silent"]')).toHaveText('Silent');
  await expect(row).toContainText('Unplaced');
  await expect(row.locator('.cairn-devices__cell--seen')).toHaveText(/^1[01] min ago$/);

  await devices.openDevice(id);
  await expect(page.getByTestId('device-flags')).toContainText('Silent');

  // Placed now, so the map (which leaves unplaced devices out) still counts every listed device.
  const placed = await page.request.put(`/api/devices/${id}`, {
    headers: { 'x-csrf-token': await csrf(page.request) },
    data: { ...spec, location: { lat: 50.8466, lon: 4.3528 } },
  });
  expect(placed.status(), await placed.text()).toBe(200);
  expect(app.errors).toEqual([]);
});

/** The CSV devices: two thermometers in Brussels, new each run. */
const CSV_IDS = [`e2e-csv-${RUN}-a`, `e2e-csv-${RUN}-b`];
const csvOf = (lat: string) => [
  'id,name,kind,site_id,lat,lon,tags,points',
  `${CSV_IDS[0]},E2E CSV thermometer A ${RUN},thermometer,bru,50.8467,4.3529,e2e csv,air_temperature:600 battery:600`,
  `${CSV_IDS[1]},E2E CSV thermometer B ${RUN},thermometer,bru,${lat},4.3531,e2e csv,air_temperature:600 battery:600`,
  '',
].join('\n');

test('an admin imports a CSV: an error by row and column, fixed, applied; the same file again is unchanged', async ({ page }) => {
  const { app, devices } = await open(page, '/devices');
  await devices.waitLoaded();
  await devices.openImport();
  await expect(devices.importApply()).toBeDisabled();

  // Line 3 (the header is line 1) has a latitude of 95.
  await devices.chooseCsv('devices.csv', csvOf('95'));
  await expect(devices.importPanel().getByTestId('import-file-name')).toHaveText('Read devices.csv');
  await devices.importCheck().click();
  const error = devices.importErrors();
  await expect(error).toHaveCount(1);
  await expect(error).toHaveAttribute('data-row', '3');
  await expect(error).toHaveAttribute('data-column', 'lat');
  await expect(error).toHaveText('Row 3, column lat: a latitude from -90 to 90 degrees');
  await expect(devices.importRow(CSV_IDS[1])).toHaveAttribute('data-action', 'invalid');
  await expect(devices.importPanel().getByTestId('import-verdict')).toContainText('nothing is written');
  await expect(devices.importApply()).toBeDisabled();
  // Nothing was written.
  expect((await page.request.get(`/api/devices/${CSV_IDS[0]}`)).status()).toBe(404);

  // Fixed: both to create, then applied.
  await devices.chooseCsv('devices.csv', csvOf('50.8468'));
  await expect(devices.importPanel().getByTestId('import-plan')).toHaveCount(0);
  await devices.importCheck().click();
  await expect(devices.importCounts()).toHaveText('2 to create · 0 to update · 0 unchanged');
  await expect(devices.importErrors()).toHaveCount(0);
  for (const id of CSV_IDS) await expect(devices.importRow(id)).toHaveAttribute('data-action', 'create');
  await expect(devices.importApply()).toBeEnabled();
  await devices.importApply().click();
  await expect(devices.importCounts()).toHaveText('Written: 2 created, 0 updated, 0 unchanged.');
  await expect(devices.importPanel().getByTestId('import-plan')).toHaveAttribute('data-applied', 'true');
  await expect(devices.importApply()).toBeDisabled();

  // In the list.
  await devices.search().fill(`e2e-csv-${RUN}`);
  await expect(devices.total()).toHaveText('2 devices');
  for (const id of CSV_IDS) await expect(devices.row(id)).toBeVisible();
  // The export link carries exactly this list's filters, and gives these two.
  await expect(devices.exportLink()).toHaveAttribute('href', `/api/inventory/export.csv?q=e2e-csv-${RUN}`);
  const exported = await page.request.get((await devices.exportLink().getAttribute('href'))!);
  expect(exported.status()).toBe(200);
  const lines = (await exported.text()).trim().split(/\r?\n/);
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(/^id,name,kind,/);
  expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(CSV_IDS);

  // The same file again (pasted this time): all unchanged, nothing to apply.
  await devices.importPanel().getByTestId('import-text').fill(csvOf('50.8468'));
  await devices.importCheck().click();
  await expect(devices.importCounts()).toHaveText('0 to create · 0 to update · 2 unchanged');
  for (const id of CSV_IDS) await expect(devices.importRow(id)).toHaveAttribute('data-action', 'unchanged');
  await expect(devices.importApply()).toBeDisabled();
  // And the server, asked to apply it anyway, writes nothing.
  const again = await page.request.post('/api/inventory/import?apply=true', {
    headers: { 'x-csrf-token': await csrf(page.request), 'Content-Type': 'text/csv' },
    data: csvOf('50.8468'),
  });
  expect(again.status(), await again.text()).toBe(200);
  expect(await again.json()).toMatchObject({ create: 0, update: 0, unchanged: 2, applied: true, errors: [] });
  expect(app.errors).toEqual([]);
});

test('an admin retires the two imported devices in bulk; they are listed under Retired', async ({ page }) => {
  const { app, devices } = await open(page, `/devices?q=e2e-csv-${RUN}`);
  await devices.waitLoaded();
  await expect(devices.total()).toHaveText('2 devices');
  await expect(devices.bulk()).toHaveCount(0);
  await devices.select(CSV_IDS[0]).check();
  await expect(devices.bulkCount()).toHaveText('1 selected');
  await expect(devices.selectAll()).toHaveJSProperty('indeterminate', true);
  await devices.selectAll().check();
  await expect(devices.bulkCount()).toHaveText('2 selected');
  for (const id of CSV_IDS) await expect(devices.select(id)).toBeChecked();

  await page.getByTestId('devices-bulk-retire').click();
  await expect(page.getByTestId('devices-bulk-confirm')).toContainText('Retire 2 devices?');
  await page.getByTestId('devices-bulk-retire-confirm').click();
  await expect(devices.bulkOutcome()).toContainText('Retired 2 of 2 devices.');
  await expect(page.getByTestId('devices-bulk-failure')).toHaveCount(0);
  await expect(devices.bulkCount()).toHaveCount(0);

  await devices.chip('retired').click();
  await expect(page).toHaveURL(/[?&]health=retired/);
  await expect(devices.total()).toHaveText('2 devices');
  for (const id of CSV_IDS) {
    await expect(devices.row(id).getByTestId('device-status').locator('[data-flag="retired"]')).toHaveText('Retired');
    const d = await (await page.request.get(`/api/devices/${id}`)).json();
    expect(d.state).toBe('retired');
    // Retired, not emptied: its points are still there.
    expect(d.points).toHaveLength(2);
  }
  expect(app.errors).toEqual([]);
});

// Screenshots to look at (in e2e/screenshots, not tracked, like screenshots.spec.ts's).
for (const size of SIZES) {
  test(`screenshots of the table, a device page and the form at ${size.name} size (${size.width}×${size.height})`, async ({ page }) => {
    await page.setViewportSize({ width: size.width, height: size.height });
    const { app, devices } = await open(page, '/devices?site=bru');
    await devices.waitLoaded();
    await expect(devices.rows().first()).toBeVisible();
    const link = devices.rows().first().getByTestId('device-link');
    const box = await link.boundingBox();
    if (size.name === 'tablet') {
      // Cards: the whole name is a finger-sized target, and the table header is gone.
      expect(box && box.height >= 44).toBeTruthy();
      await expect(page.getByRole('columnheader').first()).toBeHidden();
      await expect(page.getByTestId('devices-sort')).toBeVisible();
      // An admin's checkbox is a finger-sized target too.
      const check = await devices.rows().first().locator('label.cairn-devices__check').boundingBox();
      expect(check && check.width >= 44 && check.height >= 44).toBeTruthy();
      await expect(page.getByTestId('devices-select-all-cards')).toBeVisible();
    } else {
      await expect(devices.header('name')).toBeVisible();
      // Every column fits: no sideways scroll, the last header (tags) inside the table.
      const table = devices.table();
      expect(await table.evaluate((e) => e.scrollWidth - e.clientWidth)).toBeLessThanOrEqual(0);
      const tags = await page.getByRole('columnheader', { name: 'Tags' }).boundingBox();
      const outer = await table.boundingBox();
      expect(tags && outer && tags.x + tags.width <= outer.x + outer.width).toBeTruthy();
    }
    await page.screenshot({ path: `e2e/screenshots/devices-table-${size.name}.png` });

    await devices.openDevice(KNOWN);
    await expect(page.getByTestId('device-point-row').first()).toBeVisible();
    await page.screenshot({ path: `e2e/screenshots/devices-page-${size.name}.png`, fullPage: true });

    await page.goto('/devices?new=1');
    await expect(devices.form()).toBeVisible();
    await devices.type('name', 'Meeting room 0.12');
    await devices.input('site_id').selectOption('bru');
    await devices.type('location.lon', '4.3528');
    await devices.type('location.lat', '95');
    // The validator speaks once the field is left.
    await devices.input('location.lat').blur();
    await expect(devices.fieldError('location.lat')).toBeVisible();
    await page.screenshot({ path: `e2e/screenshots/devices-form-${size.name}.png`, fullPage: true });
    expect(app.errors).toEqual([]);
  });
}

for (const size of SIZES) {
  test(`screenshot of a CSV import plan at ${size.name} size (${size.width}×${size.height})`, async ({ page }) => {
    await page.setViewportSize({ width: size.width, height: size.height });
    const { app, devices } = await open(page, '/devices');
    await devices.waitLoaded();
    const known = await (await page.request.get(`/api/devices/${KNOWN}`)).json();
    await devices.openImport();
    // An update (field by field), a new device and a row with an error: only planned, never applied.
    await devices.importPanel().getByTestId('import-text').fill([
      'id,name,site_id,tags',
      `${KNOWN},"${known.name} (renamed)",${known.site_id},${known.tags.join(' ')} e2e`,
      `e2e-shot-${RUN},Spare multisensor,${known.site_id},spare`,
      `e2e-shot-${RUN}-x,,${known.site_id},`,
    ].join('\n'));
    await devices.importCheck().click();
    await expect(devices.importRow(KNOWN)).toHaveAttribute('data-action', 'update');
    await expect(devices.importRow(KNOWN).getByTestId('import-change').first()).toContainText('→');
    await expect(devices.importErrors().first()).toContainText('Row 4, column name');
    await expect(devices.importApply()).toBeDisabled();
    await devices.importPanel().scrollIntoViewIfNeeded();
    await page.screenshot({ path: `e2e/screenshots/devices-import-${size.name}.png`, fullPage: true });
    expect(app.errors).toEqual([]);
  });
}

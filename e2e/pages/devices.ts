// Page object for the device inventory (`/devices`), its form (`?new=1`)
// and a device's page (`/devices/:id`).
import { expect, type Locator, type Page } from '@playwright/test';

/** The health flags as the URL and the chips name them. */
export type Flag = 'silent' | 'stuck' | 'low_battery' | 'weak_signal' | 'in_maintenance' | 'retired' | 'never_reported';

/** A new device as the form takes it (text as typed). */
export interface DeviceInput {
  id: string;
  name: string;
  kind: string;
  site: string;
  building?: string;
  floor?: string;
  zone?: string;
  lat: string;
  lon: string;
  model?: string;
  tags?: string;
}

export class DevicesPage {
  constructor(readonly page: Page) {}

  // The inventory.

  table(): Locator {
    return this.page.getByTestId('devices-table');
  }

  /** The rows in the DOM (only those in view, and a few more: the table is virtualised). */
  rows(): Locator {
    return this.page.getByTestId('device-row');
  }

  row(id: string): Locator {
    return this.page.locator(`[data-testid="device-row"][data-device="${id}"]`);
  }

  total(): Locator {
    return this.page.getByTestId('devices-total');
  }

  /** The first page has arrived: the total is on screen. */
  async waitLoaded() {
    await expect(this.total()).toHaveText(/^[\d,]+ devices?$/, { timeout: 15_000 });
  }

  /** The total as a number (`1,234 devices` → 1234). */
  async totalCount(): Promise<number> {
    return Number((await this.total().textContent())!.replace(/[^\d]/g, ''));
  }

  search(): Locator {
    return this.page.getByTestId('devices-search');
  }

  filter(name: 'site' | 'kind' | 'model' | 'firmware'): Locator {
    return this.page.getByTestId(`devices-filter-${name}`);
  }

  chip(flag: Flag): Locator {
    return this.page.getByTestId(`devices-health-${flag}`);
  }

  /** A chip's count (empty while the counts load: NaN). */
  async chipCount(flag: Flag): Promise<number> {
    const text = await this.chip(flag).locator('.cairn-devices__chip-count').textContent();
    return Number((text ?? '').replace(/[^\d]/g, '') || NaN);
  }

  sortButton(key: string): Locator {
    return this.page.getByTestId(`devices-sort-${key}`);
  }

  /** The column header of a sort key, which carries `aria-sort`. */
  header(key: string): Locator {
    return this.page.getByRole('columnheader').filter({ has: this.sortButton(key) });
  }

  /** The query of the current URL. */
  params(): URLSearchParams {
    return new URL(this.page.url()).searchParams;
  }

  // Named views, kept in this browser's localStorage.

  /** The "Views" select. */
  views(): Locator {
    return this.page.getByTestId('devices-views');
  }

  /** The saved views the select lists (its placeholder left out). */
  viewOptions(): Locator {
    return this.views().locator('option:not([value=""])');
  }

  viewName(): Locator {
    return this.page.getByTestId('devices-view-name');
  }

  /** "Save view…": opens the name box. */
  async openSaveView() {
    await this.page.getByTestId('devices-view-save').click();
    await expect(this.viewName()).toBeVisible();
  }

  /** Types a name and saves ("Save view"). */
  async saveViewAs(name: string) {
    await this.viewName().fill(name);
    await this.page.getByTestId('devices-view-save-confirm').click();
  }

  /** "Delete view": shown while the select shows a saved view. */
  viewDelete(): Locator {
    return this.page.getByTestId('devices-view-delete');
  }

  /** `cairn.devices.views` as this browser stores it, parsed (null when unset). */
  async storedViews(): Promise<unknown> {
    return this.page.evaluate(() => {
      const stored = localStorage.getItem('cairn.devices.views');
      return stored === null ? null : JSON.parse(stored);
    });
  }

  // Export, import and bulk changes.

  /** "Download CSV": a link to the export with the list's filters and sort. */
  exportLink(): Locator {
    return this.page.getByTestId('devices-export');
  }

  importPanel(): Locator {
    return this.page.getByTestId('devices-import');
  }

  async openImport() {
    await this.page.getByTestId('devices-import-open').click();
    await expect(this.importPanel()).toBeVisible();
  }

  /** Chooses a CSV file (made in memory) in the import's file input. */
  async chooseCsv(name: string, csv: string) {
    await this.importPanel().getByTestId('import-file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await expect(this.importPanel().getByTestId('import-text')).toHaveValue(csv);
  }

  importCheck(): Locator {
    return this.importPanel().getByTestId('import-check');
  }

  importApply(): Locator {
    return this.importPanel().getByTestId('import-apply');
  }

  importCounts(): Locator {
    return this.importPanel().getByTestId('import-counts');
  }

  importErrors(): Locator {
    return this.importPanel().getByTestId('import-error');
  }

  importRow(id: string): Locator {
    return this.importPanel().locator(`[data-testid="import-row"][data-device="${id}"]`);
  }

  /** A row's checkbox (managers and admins only). */
  select(id: string): Locator {
    return this.row(id).getByTestId('device-select');
  }

  /** "Select all loaded", in the table's header (above the cards on a tablet). */
  selectAll(): Locator {
    return this.page.getByTestId('devices-select-all');
  }

  bulk(): Locator {
    return this.page.getByTestId('devices-bulk');
  }

  bulkCount(): Locator {
    return this.page.getByTestId('devices-bulk-count');
  }

  bulkOutcome(): Locator {
    return this.page.getByTestId('devices-bulk-outcome');
  }

  // The form.

  form(): Locator {
    return this.page.getByTestId('device-form');
  }

  input(field: string): Locator {
    return this.form().getByTestId(`device-${field}`);
  }

  fieldError(field: string): Locator {
    return this.form().getByTestId(`field-error-${field}`);
  }

  async openForm() {
    await this.page.getByTestId('devices-add').click();
    await expect(this.form()).toBeVisible();
    await expect(this.page).toHaveURL(/[?&]new=1/);
  }

  /** Types a value and leaves the input, as a user tabbing on would. */
  async type(field: string, value: string) {
    await this.input(field).fill(value);
    await this.input(field).blur();
  }

  /** Fills the form; the places come from the live store and the catalogue: selectOption waits for them. */
  async fill(d: DeviceInput) {
    await this.type('id', d.id);
    await this.type('name', d.name);
    await this.input('kind').selectOption(d.kind);
    if (d.model) await this.type('model', d.model);
    await this.input('site_id').selectOption(d.site);
    if (d.building) await this.input('building_id').selectOption(d.building);
    if (d.floor) await this.input('floor_id').selectOption(d.floor);
    if (d.zone) await this.input('zone_id').selectOption(d.zone);
    await this.type('location.lat', d.lat);
    await this.type('location.lon', d.lon);
    if (d.tags) await this.type('tags', d.tags);
  }

  save(): Locator {
    return this.form().getByTestId('device-save');
  }

  /** The chosen floor's plan in the form: a click or tap sets plan x/y. */
  planPicker(): Locator {
    return this.form().getByTestId('device-plan-picker');
  }

  /** The dot at the typed (or tapped) plan x/y, on the picker. */
  planMarker(): Locator {
    return this.planPicker().getByTestId('device-plan-marker');
  }

  /** A device page's plan with the device's spot (read-only). */
  planSpot(): Locator {
    return this.page.getByTestId('device-plan-spot');
  }

  // The token, shown once.

  tokenNotice(): Locator {
    return this.page.getByTestId('device-token-notice');
  }

  token(): Locator {
    return this.page.getByTestId('device-token');
  }

  // A device's page.

  async openDevice(id: string) {
    await this.page.goto(`/devices/${id}`);
    await expect(this.page.getByTestId('device-page')).toBeVisible();
    await expect(this.page.getByTestId('device-health')).toBeVisible();
  }
}

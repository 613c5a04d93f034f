// Page object for the app shell and the overview.
import { expect, type Page } from '@playwright/test';

export const ROUTES = [
  { path: '/', nav: 'nav-overview', heading: 'Portfolio overview' },
  { path: '/map', nav: 'nav-map', heading: 'Map' },
  { path: '/devices', nav: 'nav-devices', heading: 'Devices' },
  { path: '/alerts', nav: 'nav-alerts', heading: 'Alerts' },
  { path: '/reports', nav: 'nav-reports', heading: 'Reports' },
] as const;

export class CairnApp {
  /** Console errors and uncaught exceptions seen since the page opened. */
  readonly errors: string[] = [];

  constructor(readonly page: Page) {
    page.on('console', (msg) => {
      if (msg.type() === 'error') this.errors.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (err) => this.errors.push(`page: ${err.message}`));
  }

  async open(path = '/') {
    await this.page.goto(path);
    await expect(this.page.locator('.cairn-shell')).toBeVisible();
  }

  connection() {
    return this.page.getByTestId('connection');
  }

  /** Connected, and the first snapshot is on screen (the socket opens before it arrives). */
  async waitLive(minValues = 21) {
    await expect(this.connection()).toHaveAttribute('data-state', 'connected');
    await expect
      .poll(async () => this.liveValues().count(), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(minValues);
  }

  liveValues() {
    return this.page.getByTestId('live-value');
  }

  heading() {
    return this.page.locator('h1.cairn-page-title');
  }

  async navigate(testId: string) {
    await this.page.getByTestId(testId).click();
  }
}

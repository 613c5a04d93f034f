// Page object for the app shell and the overview.
import { expect, type Page } from '@playwright/test';

export const ROUTES = [
  { path: '/', nav: 'nav-overview', heading: 'Portfolio overview' },
  { path: '/map', nav: 'nav-map', heading: 'Map' },
  { path: '/compare', nav: 'nav-charts', heading: 'Compare' },
  { path: '/devices', nav: 'nav-devices', heading: 'Devices' },
  { path: '/alerts', nav: 'nav-alerts', heading: 'Alerts' },
  { path: '/reports', nav: 'nav-reports', heading: 'Reports' },
] as const;

export const ADMIN_ROUTES = [
  // `ready`: what is on screen once the page has loaded its data.
  { path: '/admin/users', nav: 'nav-users', heading: 'Users', ready: 'table.cairn-table' },
  { path: '/admin/audit', nav: 'nav-audit', heading: 'Audit log', ready: 'table.cairn-table' },
  { path: '/admin/integrations', nav: 'nav-integrations', heading: 'Integrations', ready: '[data-testid=integrations-list], [data-testid=integrations-empty]' },
  { path: '/admin/metrics', nav: 'nav-metrics', heading: 'Metrics', ready: '[data-testid=metrics-table]' },
] as const;

export type Role = 'viewer' | 'operator' | 'manager' | 'admin';

/** The demo account of a role, as `cargo xtask test` made it: `role username password;…`. */
export function account(role: Role): { username: string; password: string } {
  for (const line of (process.env.CAIRN_E2E_ACCOUNTS ?? '').split(';')) {
    const [r, username, password] = line.trim().split(/\s+/);
    if (r === role) return { username, password };
  }
  throw new Error(`no demo account for ${role} in CAIRN_E2E_ACCOUNTS`);
}

export class CairnApp {
  /** Console errors and uncaught exceptions seen since the page opened. */
  readonly errors: string[] = [];

  constructor(readonly page: Page) {
    page.on('console', (msg) => {
      if (msg.type() === 'error') this.errors.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (err) => this.errors.push(`page: ${err.message}`));
  }

  /** Opens `path` and signs in there as `role` (a fresh page has no session). */
  async open(path = '/', role: Role = 'admin') {
    await this.page.goto(path);
    const { username, password } = account(role);
    await this.signIn(username, password);
    await expect(this.page.locator('.cairn-shell')).toBeVisible();
    // Asking whether a session exists answers 401 before signing in, as it should.
    this.forgetSignedOutErrors();
  }

  forgetSignedOutErrors() {
    const kept = this.errors.filter((e) => !e.includes('status of 401 (Unauthorized)'));
    this.errors.splice(0, this.errors.length, ...kept);
  }

  loginForm() {
    return this.page.getByTestId('login-form');
  }

  async signIn(username: string, password: string) {
    await expect(this.loginForm()).toBeVisible();
    await this.page.getByLabel('Username').fill(username);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }

  async signOut() {
    await this.page.getByTestId('sign-out').click();
    await expect(this.loginForm()).toBeVisible();
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

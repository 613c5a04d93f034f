// Page object for a chart page (`/points/:id`) and its `TimeChart`.
import { expect, type Locator, type Page } from '@playwright/test';

export class ChartPage {
  readonly chart: Locator;

  constructor(readonly page: Page, testId = 'point-chart') {
    this.chart = page.getByTestId(testId);
  }

  /** A point of the E2E device's metric (`co2`, `temperature`, …). */
  async pointId(metric = 'co2'): Promise<number> {
    const res = await this.page.request.get(`/api/points?device=${process.env.CAIRN_E2E_DEVICE}&metric=${metric}`);
    expect(res.status(), await res.text()).toBe(200);
    return (await res.json()).items[0].id;
  }

  async open(id: number) {
    await this.page.goto(`/points/${id}`);
    await expect(this.chart.locator('canvas')).toHaveCount(2);
  }

  /** History has arrived and is summarised under the chart. */
  async waitLoaded() {
    await expect(this.chart.locator('.cairn-chart__readout')).toContainText('max');
  }

  /** Picks a preset range (`24 h`, `7 d`, `1 y`, …); the chart fetches what it lacks. */
  async range(label: string) {
    await this.chart.getByRole('button', { name: label, exact: true }).click();
  }

  error() {
    return this.chart.locator('.cairn-chart__error');
  }
}

// Page object for `/alerts`: the alarm queue and the rule form with its backtest.
import { expect, type Locator, type Page } from '@playwright/test';

/** A rule as the form takes it (every number as typed). */
export interface RuleInput {
  name: string;
  severity: 'info' | 'warning' | 'critical';
  scope: 'site' | 'building' | 'zone' | 'device' | 'point';
  target: string;
  metric: string;
  trigger: string;
  clear: string;
  onDelay: string;
  offDelay: string;
  action: string;
}

export class AlertsPage {
  constructor(readonly page: Page) {}

  async tab(name: 'queue' | 'health' | 'rules' | 'maintenance' | 'channels') {
    await this.page.getByTestId(`alerts-tab-${name}`).click();
    await expect(this.page.getByTestId(`alerts-tab-${name}`)).toHaveAttribute('aria-pressed', 'true');
  }

  // The queue.

  queue(): Locator {
    return this.page.getByTestId('alarm-queue');
  }

  /** The queue's rows of alarms raised by the rule named `rule`. */
  rows(rule: string): Locator {
    return this.page.getByTestId('alarm-row').filter({ hasText: rule });
  }

  badge(): Locator {
    return this.page.getByTestId('alarm-badge');
  }

  /** The nav badge's count (no badge: none unacknowledged). */
  async badgeCount(): Promise<number> {
    if ((await this.badge().count()) === 0) return 0;
    return Number((await this.badge().textContent())?.trim() ?? '0');
  }

  // The rule form.

  form(): Locator {
    return this.page.getByTestId('rule-form');
  }

  input(field: string): Locator {
    return this.form().getByTestId(`rule-${field}`);
  }

  fieldError(field: string): Locator {
    return this.form().getByTestId(`field-error-${field}`);
  }

  async newRule() {
    await this.tab('rules');
    await this.page.getByTestId('rule-new').click();
    await expect(this.form()).toBeVisible();
  }

  /** Fills every field of `rule`; a field is judged once it is left (blur). */
  async fill(rule: RuleInput) {
    await this.input('name').fill(rule.name);
    await this.input('severity').selectOption(rule.severity);
    await this.input('scope').selectOption(rule.scope);
    // The targets come from the live store: selectOption waits for the option.
    await this.input('target').selectOption(rule.target);
    await this.input('metric').selectOption(rule.metric);
    await this.input('kind').selectOption('above');
    await this.number('trigger', rule.trigger);
    await this.number('clear', rule.clear);
    await this.number('on_delay_s', rule.onDelay);
    await this.number('off_delay_s', rule.offDelay);
    await this.input('action').fill(rule.action);
  }

  /** Types a number and leaves the input, as a user tabbing on would. */
  async number(field: string, value: string) {
    await this.input(field).fill(value);
    await this.input(field).blur();
  }

  /** Runs the backtest over `days` and waits for its report. */
  async backtest(days: 7 | 30 = 7): Promise<Locator> {
    await this.form().getByTestId('rule-backtest-days').selectOption(String(days));
    await this.form().getByTestId('rule-backtest').click();
    const result = this.form().getByTestId('backtest-result');
    await expect(result).toBeVisible({ timeout: 30_000 });
    return result;
  }

  async save() {
    await this.form().getByTestId('rule-save').click();
    await expect(this.form()).toHaveCount(0);
  }

  ruleRow(name: string): Locator {
    return this.page.getByTestId('rules-table').getByTestId('rule-row').filter({ hasText: name });
  }
}

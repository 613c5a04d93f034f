// End-to-end tests: Debian's Chromium (never a downloaded browser) against a real
// cairn-server that `cargo xtask test` starts and names in CAIRN_E2E_URL.
import { defineConfig } from '@playwright/test';

const baseURL = process.env.CAIRN_E2E_URL;
if (!baseURL) throw new Error('CAIRN_E2E_URL is not set: run the e2e layer with `cargo xtask test`');

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
        '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
});

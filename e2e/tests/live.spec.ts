import { expect, test, type WebSocketRoute } from '@playwright/test';
import { inflateRawSync } from 'node:zlib';
import { CairnApp } from '../pages/app';

test('the overview shows live values, and a reading a device posts is on screen within seconds', async ({ page, request }) => {
  const app = new CairnApp(page);
  await app.open('/');
  await app.waitLive();
  await expect(page.getByTestId('site-card').first()).toBeVisible();
  expect(await app.liveValues().count()).toBeGreaterThan(20);

  // The device authenticates with its own token (issued by `cargo xtask test`).
  const device = process.env.CAIRN_E2E_DEVICE!;
  const token = process.env.CAIRN_E2E_DEVICE_TOKEN!;
  const row = page.locator('[data-testid="building-row"][data-building="bru-a"]');
  const co2Peak = row.getByTestId('live-value').nth(2);
  const res = await request.post('/api/ingest/senml', {
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/senml+json' },
    data: JSON.stringify([{ bn: `${device}/`, n: 'co2', u: 'ppm', v: 4321 }]),
  });
  expect(res.status(), await res.text()).toBe(200);
  await expect(co2Peak).toHaveText(/4321\s*ppm/, { timeout: 5_000 });
  await expect(app.connection()).toContainText(/updated (just now|\d+ s ago)/);
  expect(app.errors).toEqual([]);
});

test('health answers JSON', async ({ request }) => {
  const res = await request.get('/api/health');
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.status).toBe('ok');
  expect(body.simulator).toBe(true);
  expect(typeof body.uptime_s).toBe('number');
});

test('the browser going offline shows at once, and the values stay on screen', async ({ page, context }) => {
  // (The browser's offline flag only: Playwright leaves open sockets alone, so
  // dropping the socket itself is the next test.)
  const app = new CairnApp(page);
  await app.open('/');
  await app.waitLive();
  await context.setOffline(true);
  await expect(app.connection()).toHaveAttribute('data-state', 'offline');
  await expect(app.connection()).toContainText('Offline');
  // Values stay on screen while offline: the last known data, not a blank page.
  expect(await app.liveValues().count()).toBeGreaterThan(20);
  await context.setOffline(false);
  await expect(app.connection()).toHaveAttribute('data-state', 'connected', { timeout: 15_000 });
});

test('a dropped socket reconnects by itself and resumes with what it missed', async ({ page, request }) => {
  // Every socket of the page goes through this proxy, so the test can drop it
  // (as a basement or a tunnel would) and see what the tab says on reconnect.
  const sockets: WebSocketRoute[] = [];
  const hellos: any[] = [];
  const firstFromServer: string[] = [];
  let refuse = false;
  await page.routeWebSocket(/\/api\/ws$/, (ws) => {
    if (refuse) {
      ws.close({ code: 1011, reason: 'test: network down' });
      return;
    }
    const server = ws.connectToServer();
    let first = true;
    ws.onMessage((m) => {
      const msg = JSON.parse(String(m));
      if (msg.type === 'hello') hellos.push(msg);
      server.send(m);
    });
    server.onMessage((m) => {
      // Big messages come as binary frames of raw DEFLATE (the app asks for them).
      const text = typeof m === 'string' ? m : inflateRawSync(m).toString();
      if (first) firstFromServer.push(JSON.parse(text).type);
      first = false;
      ws.send(m);
    });
    sockets.push(ws);
  });
  const app = new CairnApp(page);
  await app.open('/');
  await app.waitLive();
  expect(hellos).toHaveLength(1);
  expect(hellos[0].resume).toBeUndefined();

  // The network goes: the socket drops, and new ones are refused for now.
  refuse = true;
  await sockets[0].close({ code: 1011, reason: 'test: network down' });
  await expect(app.connection()).toHaveAttribute('data-state', 'reconnecting');
  // Meanwhile a device reports a value the tab has never seen.
  const device = process.env.CAIRN_E2E_DEVICE!;
  const token = process.env.CAIRN_E2E_DEVICE_TOKEN!;
  const res = await request.post('/api/ingest/senml', {
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/senml+json' },
    data: JSON.stringify([{ bn: `${device}/`, n: 'co2', u: 'ppm', v: 3987 }]),
  });
  expect(res.status(), await res.text()).toBe(200);

  // The network comes back: the tab reconnects by itself, says where it was,
  // and gets exactly what it missed (readings, not a whole new snapshot).
  refuse = false;
  await expect(app.connection()).toHaveAttribute('data-state', 'connected', { timeout: 15_000 });
  expect(sockets).toHaveLength(2);
  const resume = hellos[hellos.length - 1].resume;
  expect(resume, 'the reconnecting tab names its epoch and last sequence').toBeDefined();
  expect(resume.seq).toBeGreaterThan(0);
  expect(firstFromServer[firstFromServer.length - 1]).toBe('readings');
  const row = page.locator('[data-testid="building-row"][data-building="bru-a"]');
  await expect(row.getByTestId('live-value').nth(2)).toHaveText(/3987\s*ppm/, { timeout: 5_000 });
  // The dropped socket is not an error the user should have seen in the console.
  expect(app.errors.filter((e) => !e.includes('WebSocket'))).toEqual([]);
});

test('a tab of an older deploy is told to reload, keeps its values, and stops retrying', async ({ page }) => {
  // The proxy plays an app of an older deploy once `oldApp` is set: its hellos
  // name protocol 0, and the real server answers with close 4426.
  const sockets: WebSocketRoute[] = [];
  let oldApp = false;
  await page.routeWebSocket(/\/api\/ws$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      const msg = JSON.parse(String(m));
      if (oldApp && msg.type === 'hello') msg.protocol = 0;
      server.send(JSON.stringify(msg));
    });
    sockets.push(ws);
  });
  const app = new CairnApp(page);
  await app.open('/');
  await app.waitLive();
  expect(sockets).toHaveLength(1);

  // The server restarts with the new deploy: the socket drops, the tab reconnects.
  oldApp = true;
  await sockets[0].close({ code: 1012, reason: 'test: server restart' });
  await expect(app.connection()).toHaveAttribute('data-state', 'outdated', { timeout: 15_000 });
  await expect(app.connection()).toContainText('reload for the new version');
  const notice = page.getByTestId('outdated');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('Cairn was updated');
  // The last known values stay on screen; the tab does not retry a socket that
  // can only be refused (the reconnect interval is 2 s).
  expect(await app.liveValues().count()).toBeGreaterThan(20);
  // To look at (e2e/screenshots, not tracked), as the screenshots spec does.
  for (const [name, width, height] of [['desktop', 1440, 900], ['tablet', 820, 1180]] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: `e2e/screenshots/outdated-${name}.png` });
  }
  const refused = sockets.length;
  await page.waitForTimeout(3_000);
  expect(sockets).toHaveLength(refused);
  await expect(app.connection()).toHaveAttribute('data-state', 'outdated');

  // Reloading brings this deploy's app, which the server serves.
  oldApp = false;
  await notice.getByTestId('reload').click();
  await app.waitLive();
  await expect(page.getByTestId('outdated')).toHaveCount(0);
  expect(app.errors.filter((e) => !e.includes('WebSocket'))).toEqual([]);
});

// First load (P11) in headless Chromium against the real server with the
// simulator's portfolio, signed in as an admin (who sees every site). Run by
// `cargo xtask bench`: node e2e/bench/firstload.mjs <cairn-server binary> <dist-dir>.
//
// Each run is a fresh browser context (empty cache) opening `/`, throttled to
// 1.6 Mbit/s each way with 150 ms latency (Chromium's network emulation), or
// not throttled. Measured in the page and by the DevTools protocol:
// - bytes over the network: every response's encoded length (headers
//   included) finished before the first live value, and in all; the socket's
//   frames in its first 6 s;
// - first contentful paint (paint timing);
// - the first live value: the first `live-value` element showing a number,
//   seen by a MutationObserver installed before the app starts;
// - LCP, CLS and TBT from the same performance entries Lighthouse reads
//   (largest-contentful-paint; layout-shift without recent input, its largest
//   session window; longtask: the part of each long task over 50 ms, clipped to
//   first paint … first paint + 6 s, where Lighthouse stops at interactive).
//   Lighthouse itself is not run: it is not installed here.
// - the socket's bytes in its first 6 s, as the app asks (compressed frames)
//   and, in the same run, as a client that reads only text gets them.
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launch, root, stats, startServer } from './serve.mjs';

const RUNS = 5;
const bin = resolve(process.argv[2]);
const dist = resolve(process.argv[3] ?? join(root, 'dist'));
const data = await mkdtemp(join(tmpdir(), 'cairn-firstload-'));
const env = { ...process.env, RUST_LOG: 'warn' };
const cli = (...args) => execFileSync(bin, ['--data-dir', data, '--simulator=true', ...args], { env }).toString();
const admin = cli('demo-users').split('\n').map((l) => l.trim().split(/\s+/)).find((w) => w[0] === 'admin');

// A day of history (the sparklines draw it), written before the runs start.
const { server, base } = await startServer(bin, data, dist, ['--simulator=true', '--sim-backfill-days=1']);

/** Installed before the app: when the first live value shows, and the paint entries. */
const PROBE = () => {
  window.__probe = { lcp: 0, shifts: [], longtasks: [] };
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__probe.lcp = e.startTime; }).observe({ type: 'largest-contentful-paint', buffered: true });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__probe.shifts.push([e.startTime, e.value]); }).observe({ type: 'layout-shift', buffered: true });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__probe.longtasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true });
  const seen = () => [...document.querySelectorAll('[data-testid="live-value"]')].some((el) => /\d/.test(el.textContent ?? ''));
  new MutationObserver((_, obs) => {
    if (window.__probe.firstValue === undefined && seen()) { window.__probe.firstValue = performance.now(); obs.disconnect(); }
  }).observe(document, { subtree: true, childList: true, characterData: true });
};

async function run(browser, throttled) {
  const context = await browser.newContext({ viewport: { width: 820, height: 1180 }, deviceScaleFactor: 1 });
  const login = await context.request.post(`${base}/api/auth/login`, { data: { username: admin[1], password: admin[2] } });
  if (!login.ok()) throw new Error(`sign-in: ${login.status()} ${await login.text()}`);
  const page = await context.newPage();
  await page.addInitScript(PROBE);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  if (throttled) {
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 200_000 });
  }
  const http = [];
  let socketOpened;
  let encoding;
  const frames = [];
  cdp.on('Network.loadingFinished', (e) => { http.push([Date.now(), e.encodedDataLength]); });
  cdp.on('Network.responseReceived', (e) => {
    if (e.response.url.endsWith('/cairn_bg.wasm')) encoding = e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'] ?? 'identity';
  });
  cdp.on('Network.webSocketCreated', () => { socketOpened ??= Date.now(); });
  cdp.on('Network.webSocketFrameReceived', (e) => {
    const { opcode, payloadData } = e.response;
    frames.push([Date.now(), opcode === 2 ? Buffer.from(payloadData, 'base64').length : Buffer.byteLength(payloadData)]);
  });
  const t0 = Date.now();
  await page.goto(`${base}/`);
  await page.waitForFunction(() => window.__probe.firstValue !== undefined, null, { timeout: 60_000, polling: 50 });
  await page.waitForTimeout(6_000);
  const probe = await page.evaluate(() => {
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN;
    // Blocking time as Lighthouse counts it, each long task clipped to the window [FCP, FCP + 6 s].
    const tbt = window.__probe.longtasks.reduce((a, [s, d]) => {
      const clipped = Math.min(s + d, fcp + 6000) - Math.max(s, fcp);
      return a + Math.max(0, clipped - 50);
    }, 0);
    // CLS as Chromium defines it: the largest session window (shifts < 1 s apart, ≤ 5 s long).
    let cls = 0, windowSum = 0, windowStart = -Infinity, last = -Infinity;
    for (const [t, v] of window.__probe.shifts) {
      if (t - last > 1000 || t - windowStart > 5000) { windowSum = 0; windowStart = t; }
      windowSum += v; last = t; cls = Math.max(cls, windowSum);
    }
    return { fcp, firstValue: window.__probe.firstValue, firstValueAt: performance.timeOrigin + window.__probe.firstValue, lcp: window.__probe.lcp, cls, tbt };
  });
  const sum = (xs) => xs.reduce((a, [, n]) => a + n, 0);
  const httpBytes = sum(http.filter(([t]) => t <= probe.firstValueAt));
  const socket6s = sum(frames.filter(([t]) => socketOpened && t - socketOpened <= 6_000));
  await context.close();
  return { ...probe, httpBytes, httpAll: sum(http), socket6s, encoding, wall: Date.now() - t0 };
}

/** The socket's bytes in 6 s for a client asking `deflate` or not, opened from a signed-in page. */
async function socketBytes(browser, deflate) {
  const context = await browser.newContext();
  await context.request.post(`${base}/api/auth/login`, { data: { username: admin[1], password: admin[2] } });
  const page = await context.newPage();
  await page.goto(`${base}/api/health`);
  const bytes = await page.evaluate(async (deflate) => {
    const ws = new WebSocket(`ws://${location.host}/api/ws`);
    ws.binaryType = 'arraybuffer';
    let n = 0;
    ws.onmessage = (m) => { n += typeof m.data === 'string' ? new TextEncoder().encode(m.data).length : m.data.byteLength; };
    await new Promise((ok) => { ws.onopen = ok; });
    ws.send(JSON.stringify({ type: 'hello', deflate }));
    await new Promise((ok) => setTimeout(ok, 6000));
    ws.close();
    return n;
  }, deflate);
  await context.close();
  return bytes;
}

try {
  const snapshot = await (await fetch(`${base}/api/health`)).json();
  const browser = await launch();
  const results = { throttled: [], unthrottled: [] };
  for (let i = 0; i < RUNS; i++) {
    results.throttled.push(await run(browser, true));
    results.unthrottled.push(await run(browser, false));
  }
  const compressed = await socketBytes(browser, true);
  const text = await socketBytes(browser, false);
  await browser.close();

  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const ms = (n) => `${Math.round(n)}`;
  console.log(`\n### First load in headless Chromium (820×1180, empty cache, signed in as an admin: the whole simulated portfolio), the real server (release build, SQLite, simulator on), ${RUNS} runs each`);
  const encodings = [...new Set([...results.throttled, ...results.unthrottled].map((r) => r.encoding))].join(', ');
  console.log(`\nThrottled: Chromium's network emulation at 1.6 Mbit/s each way and 150 ms latency. Plain HTTP on loopback; the main wasm came with Content-Encoding: ${encodings}.\n`);
  console.log('| link | measure | median | p95 | max | target |\n|---|---|---:|---:|---:|---|');
  for (const [name, rs] of Object.entries(results)) {
    const row = (label, xs, fmt, target) => {
      const s = stats(xs);
      console.log(`| ${name} | ${label} | ${fmt(s.median)} | ${fmt(s.p95)} | ${fmt(s.max)} | ${target} |`);
    };
    row('first contentful paint, ms', rs.map((r) => r.fcp), ms, name === 'unthrottled' ? '≤ 230 ms' : '—');
    row('first live value on screen, ms', rs.map((r) => r.firstValue), ms, name === 'throttled' ? '≤ 3,000 ms' : '—');
    row('largest contentful paint, ms', rs.map((r) => r.lcp), ms, name === 'throttled' ? '—' : '≤ 1,200 ms');
    row('total blocking time (long tasks from FCP to +6 s), ms', rs.map((r) => r.tbt), ms, '≤ 50 ms');
    row('cumulative layout shift', rs.map((r) => r.cls), (x) => x.toFixed(3), '0');
    row('HTTP bytes until the first live value (encoded, headers included)', rs.map((r) => r.httpBytes), kb, '—');
    row('HTTP bytes in all, first value + 6 s (sparkline part, history)', rs.map((r) => r.httpAll), kb, '—');
    row('socket bytes in its first 6 s', rs.map((r) => r.socket6s), kb, '≤ 300 KB');
  }
  console.log(`\nThe socket in its first 6 s, one more connection each, in this run: **${kb(compressed)}** as the app asks for it (messages from 4 KB on compressed, raw DEFLATE), ${kb(text)} for a client that reads only text (the compact snapshot: each device once). Readings stored when measured: ${snapshot.readings_stored.toLocaleString('en')}.`);
} finally {
  server.kill('SIGTERM');
}

// The live path under a flood (P6 with one slow tab): the whole simulated
// portfolio reports every second over HTTP, one tab reads on a slow link, and
// another on loopback. Run by `cargo xtask bench`:
// node e2e/bench/flood.mjs <cairn-server binary> <bench-dist-dir>.
//
// - The flood: every device of the portfolio gets an ingest token (as an
//   admin would issue it) and posts one SenML pack with all its points every
//   second (`POST /api/ingest/senml`, at most IN_FLIGHT requests at a time).
//   What the server stored is read from /api/health.
// - The slow tab goes through a TCP proxy that passes the server's bytes at
//   SLOW_BYTES_S with SLOW_LATENCY_MS added, and stops reading from the server
//   while more than a second's worth waits (so the server's socket backs up,
//   as over a weak mobile link). Chromium's own throttling is not used: it
//   delays what the page sees, not what the server can write.
// - The fast tab (the overview at tablet size, loopback) records, as
//   live.mjs does, accepted → painted for each frame that applied readings
//   (the bench build of the app), its main thread's busy share (DevTools TaskDuration),
//   its frame gaps and how late a 0 ms timer runs (event-loop lag: how long a
//   tap would wait).
// - The server's resident memory (/proc/<pid>/status VmRSS) is sampled every
//   second: a server that queued without bound for the slow tab would grow.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launch, root, stats, startServer } from './serve.mjs';

const FLOOD_S = 30;
const IN_FLIGHT = 32;
const SLOW_BYTES_S = 200_000; // 1.6 Mbit/s
const SLOW_LATENCY_MS = 150;
const TABLET = { width: 820, height: 1180 };
const bin = resolve(process.argv[2]);
const dist = resolve(process.argv[3] ?? join(root, 'target/bench-dist'));
const data = await mkdtemp(join(tmpdir(), 'cairn-flood-'));
const env = { ...process.env, RUST_LOG: 'warn' };
const admin = execFileSync(bin, ['--data-dir', data, '--simulator=true', 'demo-users'], { env }).toString()
  .split('\n').map((l) => l.trim().split(/\s+/)).find((w) => w[0] === 'admin');
// A day of history first, so every point has a latest value to send again.
const { server, base } = await startServer(bin, data, dist, ['--simulator=true', '--sim-backfill-days=1']);

/** The server's resident memory, MB. */
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]) / 1024;
const stored = async () => (await (await fetch(`${base}/api/health`)).json()).readings_stored;
const p99 = (xs) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(0.99 * xs.length) - 1)];

/** A TCP proxy to the server whose answers pass at `bytesPerS` after `latencyMs`. */
async function slowLink(bytesPerS, latencyMs) {
  const target = new URL(base);
  let passed = 0;
  const proxy = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    client.pipe(upstream);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    const queue = []; // [due ms, Buffer]
    let waiting = 0;
    upstream.on('data', (chunk) => {
      queue.push([Date.now() + latencyMs, chunk]);
      waiting += chunk.length;
      if (waiting > bytesPerS) upstream.pause();
    });
    upstream.on('end', () => queue.push([Date.now() + latencyMs, null]));
    const tickMs = 10;
    const timer = setInterval(() => {
      let budget = (bytesPerS * tickMs) / 1000;
      while (queue.length > 0 && queue[0][0] <= Date.now() && budget > 0) {
        const [due, chunk] = queue[0];
        if (chunk === null) { client.end(); queue.shift(); break; }
        const part = chunk.subarray(0, budget);
        client.write(part);
        budget -= part.length;
        waiting -= part.length;
        passed += part.length;
        if (part.length === chunk.length) queue.shift(); else queue[0] = [due, chunk.subarray(part.length)];
      }
      if (waiting <= bytesPerS / 2 && upstream.isPaused()) upstream.resume();
    }, tickMs);
    const done = () => { clearInterval(timer); upstream.destroy(); };
    client.on('close', done);
  });
  await new Promise((ok) => proxy.listen(0, '127.0.0.1', ok));
  return { proxy, base: `http://127.0.0.1:${proxy.address().port}`, passed: () => passed };
}

/** A tablet-sized page signed in as the admin, opened at `origin`'s overview, live. */
async function overview(browser, origin) {
  const context = await browser.newContext({ viewport: TABLET, deviceScaleFactor: 1 });
  const login = await context.request.post(`${origin}/api/auth/login`, { data: { username: admin[1], password: admin[2] } });
  if (!login.ok()) throw new Error(`sign-in: ${login.status()} ${await login.text()}`);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`flood: ${e.message}`));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => (window.__cairnLatency ?? []).length > 0, null, { timeout: 120_000 });
  return { context, page };
}

/** Signs the admin in over HTTP: the cookie and CSRF token a script needs. */
async function adminSession() {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: admin[1], password: admin[2] }),
  });
  if (!res.ok) throw new Error(`sign-in: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { cookie, csrf: (await res.json()).csrf_token };
}

/** Runs `work` over `items`, `limit` at a time. */
async function pool(items, limit, work) {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

try {
  // Every device with its points' metrics, and a token for each.
  const session = await adminSession();
  const snap = await (await fetch(`${base}/api/snapshot`, { headers: { cookie: session.cookie } })).json();
  const devices = snap.devices.map((d) => ({ id: d.id, points: [] }));
  // Each point its latest value again (always in its range; a counter does
  // not go back), named by its key; points with no reading yet are left out.
  for (const p of snap.points) {
    if (p.l) devices[p.d].points.push({ key: p.k ?? `${devices[p.d].id}/${p.m}`, value: p.l[1] });
  }
  const reporting = devices.filter((d) => d.points.length > 0);
  await pool(reporting, 16, async (d) => {
    const res = await fetch(`${base}/api/devices/${encodeURIComponent(d.id)}/token`, {
      method: 'POST', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
    });
    if (!res.ok) throw new Error(`token for ${d.id}: ${res.status} ${await res.text()}`);
    d.token = (await res.json()).token;
  });
  const pointCount = reporting.reduce((n, d) => n + d.points.length, 0);

  const link = await slowLink(SLOW_BYTES_S, SLOW_LATENCY_MS);
  const browser = await launch();
  const fast = await overview(browser, base);
  const slow = await overview(browser, link.base);
  const cdp = await fast.context.newCDPSession(fast.page);
  await cdp.send('Performance.enable');
  const task = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  await slow.page.evaluate(() => { window.__cairnLatency.length = 0; });
  await fast.page.evaluate(() => {
    window.__cairnLatency.length = 0;
    window.__gaps = [];
    window.__lag = [];
    let last = performance.now();
    const frame = (t) => { window.__gaps.push(t - last); last = t; if (!window.__stop) requestAnimationFrame(frame); };
    requestAnimationFrame(frame);
    const probe = () => {
      const asked = performance.now();
      setTimeout(() => { window.__lag.push(performance.now() - asked); if (!window.__stop) setTimeout(probe, 100); }, 0);
    };
    probe();
  });

  // The flood: a round per second, each device's pack once per round.
  const rss0 = rss();
  let rssMax = rss0;
  const rssTimer = setInterval(() => { rssMax = Math.max(rssMax, rss()); }, 1_000);
  const [task0, stored0, passed0, t0] = [await task(), await stored(), link.passed(), Date.now()];
  let posted = 0;
  let failed = 0;
  let firstFailure = null;
  let round = 0;
  let late = 0;
  while (Date.now() - t0 < FLOOD_S * 1000) {
    const start = Date.now();
    round += 1;
    await pool(reporting, IN_FLIGHT, async (d) => {
      const pack = d.points.map((p) => ({ n: p.key, v: p.value }));
      const res = await fetch(`${base}/api/ingest/senml`, {
        method: 'POST', headers: { authorization: `Bearer ${d.token}`, 'content-type': 'application/senml+json' }, body: JSON.stringify(pack),
      });
      const body = await res.text();
      if (res.ok) posted += pack.length; else { failed += 1; firstFailure ??= `${d.id}: ${res.status} ${body}`; }
    });
    const spent = Date.now() - start;
    if (spent < 1000) await new Promise((r) => setTimeout(r, 1000 - spent)); else late += 1;
  }
  const [task1, stored1, passed1, t1] = [await task(), await stored(), link.passed(), Date.now()];
  clearInterval(rssTimer);
  const seconds = (t1 - t0) / 1000;
  if (firstFailure) console.error(`flood: ${failed} packs refused, the first: ${firstFailure}`);
  const measured = await fast.page.evaluate(() => { window.__stop = true; return { gaps: window.__gaps.slice(1), lag: window.__lag, latency: [...window.__cairnLatency] }; });
  // The slow tab: what it applied during the flood, and whether it is live after it.
  const slowDuring = await slow.page.evaluate(() => [...window.__cairnLatency]);
  const flooded = Date.now();
  const recovered = await slow.page.waitForFunction(
    (n) => window.__cairnLatency.length > n && window.__cairnLatency[window.__cairnLatency.length - 1] < 1_000,
    slowDuring.length, { timeout: 60_000, polling: 100 },
  ).then(() => Date.now() - flooded, () => null);
  const rssAfter = rss();
  await browser.close();
  link.proxy.close();

  const fastStats = stats(measured.latency);
  const slowStats = slowDuring.length > 0 ? stats(slowDuring) : null;
  const lag = stats(measured.lag);
  console.log(`\n### The live path under a flood: ${reporting.length.toLocaleString('en')} devices (${pointCount.toLocaleString('en')} points) each posting a SenML pack of all its points every second over HTTP (${IN_FLIGHT} requests at a time), ${FLOOD_S} s; two overview tabs (820×1180, admin) in headless Chromium, one on loopback, one through a ${(SLOW_BYTES_S * 8 / 1e6).toFixed(1)} Mbit/s link with ${SLOW_LATENCY_MS} ms latency; the real server (release build, SQLite, simulator on)\n`);
  console.log('| measure | value | target |');
  console.log('|---|---:|---|');
  console.log(`| readings offered / stored per s (every point every second: ${pointCount.toLocaleString('en')}/s) | ${Math.round(posted / seconds).toLocaleString('en')} / ${Math.round((stored1 - stored0) / seconds).toLocaleString('en')} | — |`);
  console.log(`| rounds that took over a second / rounds; failed requests | ${late} / ${round}; ${failed} | — |`);
  console.log(`| fast tab: frames that applied readings | ${measured.latency.length} | — |`);
  console.log(`| fast tab: accepted → painted p50 / p95 / p99 / max, ms | ${fastStats.median.toFixed(0)} / ${fastStats.p95.toFixed(0)} / ${p99(measured.latency).toFixed(0)} / ${fastStats.max.toFixed(0)} | P6 p99 ≤ 100 ms |`);
  console.log(`| fast tab: main thread busy | ${(((task1 - task0) / seconds) * 100).toFixed(1)} % | — |`);
  console.log(`| fast tab: frames over 50 ms / frames; longest frame, ms | ${measured.gaps.filter((g) => g > 50).length} / ${measured.gaps.length}; ${Math.max(...measured.gaps).toFixed(0)} | — |`);
  console.log(`| fast tab: a 0 ms timer's lag p50 / p99 / max, ms (how long a tap waits) | ${lag.median.toFixed(0)} / ${p99(measured.lag).toFixed(0)} / ${lag.max.toFixed(0)} | — |`);
  console.log(`| slow tab: link bytes/s (of ${SLOW_BYTES_S.toLocaleString('en')}) | ${Math.round((passed1 - passed0) / seconds).toLocaleString('en')} | — |`);
  console.log(`| slow tab: frames that applied readings; accepted → painted p50 / max, ms | ${slowDuring.length}; ${slowStats ? `${slowStats.median.toFixed(0)} / ${slowStats.max.toFixed(0)}` : '—'} | — |`);
  console.log(`| slow tab: after the flood, ms until readings are painted within 1 s of their acceptance | ${recovered ?? 'not within 60 s'} | — |`);
  console.log(`| server resident memory before / highest during / after, MB | ${rss0.toFixed(0)} / ${rssMax.toFixed(0)} / ${rssAfter.toFixed(0)} | bounded |`);
} finally {
  server.kill('SIGTERM');
}

// Throwaway: CDP sampling profile of the overview under the P7 flood (not kept).
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launch, startServer } from './serve.mjs';
const bin = resolve(process.argv[2]);
const dist = resolve(process.argv[3]);
const path = process.argv[4] ?? '/';
const data = await mkdtemp(join(tmpdir(), 'cairn-prof-'));
const env = { ...process.env, RUST_LOG: 'warn' };
const admin = execFileSync(bin, ['--data-dir', data, '--simulator=true', 'demo-users'], { env }).toString()
  .split('\n').map((l) => l.trim().split(/\s+/)).find((w) => w[0] === 'admin');
const { server, base } = await startServer(bin, data, dist, ['--simulator=true', '--sim-backfill-days=0']);
try {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 820, height: 1180 }, deviceScaleFactor: 1 });
  await context.request.post(`${base}/api/auth/login`, { data: { username: admin[1], password: admin[2] } });
  const page = await context.newPage();
  let toPage = null; let points = []; let seq = 0;
  await page.routeWebSocket(/\/ws/, (ws) => {
    const s = ws.connectToServer(); toPage = ws;
    ws.onMessage((m) => { const msg = typeof m === 'string' ? JSON.parse(m) : null; if (msg?.type === 'hello') msg.deflate = false; s.send(msg ? JSON.stringify(msg) : m); });
    s.onMessage((m) => { if (typeof m === 'string' && m.startsWith('{"type":"snapshot"')) { const snap = JSON.parse(m); points = snap.snapshot.points.map((p) => [p.id, p.l?.[1] ?? 0]); seq = snap.seq; } ws.send(m); });
  });
  await page.goto(`${base}${path}`);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="live-value"]')].some((el) => /\d/.test(el.textContent ?? '')), null, { timeout: 60_000 });
  await page.waitForTimeout(2000);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const task = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  const per = 10000; let k = 0;
  const t0 = [await task(), Date.now()];
  await cdp.send('Profiler.start');
  const timer = setInterval(() => {
    const now = Date.now(); const readings = [];
    for (let i = 0; i < per; i += 1) { const [id, v] = points[k % points.length]; readings.push([id, now - per + i, v + ((k % 7) - 3) * 0.01]); k += 1; }
    toPage.send(JSON.stringify({ type: 'readings', seq, server_time: now, accepted: now, readings }));
  }, 50);
  await page.waitForTimeout(8000);
  clearInterval(timer);
  const { profile } = await cdp.send('Profiler.stop');
  const t1 = [await task(), Date.now()];
  console.log('busy', ((t1[0] - t0[0]) / ((t1[1] - t0[1]) / 1000) * 100).toFixed(1), '%');
  await writeFile('/tmp/prof/p7.cpuprofile', JSON.stringify(profile));
  // self time by function
  const self = new Map(); const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = profile.timeDeltas; let total = 0;
  profile.samples.forEach((id, i) => { const n = byId.get(id); const name = n.callFrame.functionName || n.callFrame.url.split('/').pop() || '(anon)'; self.set(name, (self.get(name) ?? 0) + (dt[i] ?? 0)); total += dt[i] ?? 0; });
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 45);
  for (const [n, t] of top) console.log((t / total * 100).toFixed(2).padStart(6), '%', n.slice(0, 150));
  const parent = new Map(); for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map();
  profile.samples.forEach((id, i) => { const seen = new Set(); for (let x = id; x !== undefined; x = parent.get(x)) { const n = byId.get(x); const name = n.callFrame.functionName || '(anon)'; if (!seen.has(name)) { seen.add(name); incl.set(name, (incl.get(name) ?? 0) + (dt[i] ?? 0)); } } });
  console.log('--- inclusive');
  for (const [n, t] of [...incl.entries()].sort((a, b) => b[1] - a[1]).slice(0, 60)) console.log((t / total * 100).toFixed(2).padStart(6), '%', n.slice(0, 160));
  await browser.close();
} finally { server.kill('SIGTERM'); }

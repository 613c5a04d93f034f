// P2's first draw in N fresh pages: its time, its parts, the later full-extent
// draws and the load (not part of `cargo xtask bench`; for looking into the
// cold first draw). Usage, after a bench build (target/bench-dist):
//   node e2e/bench/p2probe.mjs target/bench-dist 3
// CAIRN_BENCH_CHROMIUM_ARGS adds Chromium arguments (serve.mjs), e.g.
// "--js-flags=--no-liftoff" to compile every WebAssembly function optimised.
import { resolve } from 'node:path';
import { launch, serve } from './serve.mjs';
const dist = resolve(process.argv[2]);
const n = Number(process.argv[3] ?? 3);
const { server } = await serve(dist, {});
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await launch();
for (let k = 0; k < n; k++) {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
  await page.goto(`${base}/bench/chart?case=p2`);
  await page.waitForFunction(() => window.__cairnBench, null, { timeout: 300_000, polling: 200 });
  const r = JSON.parse(await page.evaluate(() => window.__cairnBench));
  const full = r.renders_ms.filter((_, i) => i % 4 === 0);
  console.log(`first ${r.renders_ms[0].toFixed(1)} ms; full-extent ${full.map((x) => x.toFixed(1)).join(' ')}; load ${r.load_ms.toFixed(1)} ms; first parts ${JSON.stringify(r.first_parts)}; intl ${r.intl_ms}`);
  await page.close();
}
await browser.close();
server.close();

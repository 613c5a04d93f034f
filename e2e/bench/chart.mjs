// Chart benchmarks (PERFORMANCE.md P1–P4, P12) in headless Chromium, with
// uPlot from npm measured beside Cairn in the same run on the same shapes.
// Run by `cargo xtask bench`: node e2e/bench/chart.mjs <dist-dir>, the build
// with the benchmark pages (feature `bench`, target/bench-dist; dist/ has none).
// Prints a Markdown report and writes target/bench/chart.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { launch, npmPage, npmVersion, root, serve, stats } from './serve.mjs';

const dist = resolve(process.argv[2] ?? join(root, 'target/bench-dist'));
const { server, base } = await serve(dist, {
  '/uplot': () => npmPage(['uplot/dist/uPlot.min.css'], ['uplot/dist/uPlot.iife.min.js'], '<div id="c"></div>'),
});
const browser = await launch();

async function cairn(name, metrics = false) {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
  page.on('pageerror', (e) => console.error(`${name}: ${e.message}`));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`${base}/bench/chart?case=${name}`);
  const before = metrics ? await cdp.send('Performance.getMetrics') : null;
  const wall0 = Date.now();
  await page.waitForFunction(() => window.__cairnBench, null, { timeout: 300_000, polling: 200 });
  const result = JSON.parse(await page.evaluate(() => window.__cairnBench));
  if (metrics) {
    const after = await cdp.send('Performance.getMetrics');
    const task = (m) => m.metrics.find((x) => x.name === 'TaskDuration').value;
    result.busy = (task(after) - task(before)) / ((Date.now() - wall0) / 1000);
  }
  if (name === 'p12') {
    await cdp.send('HeapProfiler.collectGarbage');
    result.js_heap_used = (await cdp.send('Runtime.getHeapUsage')).usedSize;
    result.ua_memory = await page.evaluate(async () => (self.crossOriginIsolated && performance.measureUserAgentSpecificMemory)
      ? (await performance.measureUserAgentSpecificMemory()).bytes : null);
  }
  await page.close();
  return result;
}

// The browser's own share of a live page: 4 charts' canvases (two each,
// 960×300) where every frame puts one pixel into each lines canvas, and
// nothing else. What P3's busy share cannot go under on this machine.
async function floor() {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`${base}/uplot`);
  await page.evaluate(() => {
    const lines = [];
    for (let i = 0; i < 4; i++) {
      const box = document.createElement('div');
      box.style = 'position:relative;width:960px;height:300px';
      for (let j = 0; j < 2; j++) {
        const c = Object.assign(document.createElement('canvas'), { width: 960, height: 300 });
        c.style = 'position:absolute;inset:0';
        box.append(c);
        if (j === 1) lines.push(c.getContext('2d'));
      }
      document.body.append(box);
    }
    const px = new ImageData(1, 1);
    px.data.fill(200);
    let n = 0;
    const loop = () => { n++; for (const l of lines) l.putImageData(px, 800 + (n % 40), 100); requestAnimationFrame(loop); };
    requestAnimationFrame(loop);
  });
  await page.waitForTimeout(500);
  const task = async () => (await cdp.send('Performance.getMetrics')).metrics.find((x) => x.name === 'TaskDuration').value;
  const before = await task();
  const wall0 = Date.now();
  await page.waitForTimeout(5_000);
  const busy = (await task() - before) / ((Date.now() - wall0) / 1000);
  await page.close();
  return busy;
}

// uPlot 1.6.32: the same shapes, cold render to its draw hook, then the pixels.
async function uplot(name) {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
  await page.goto(`${base}/uplot`);
  const result = await page.evaluate(async (name) => {
    const walk = (n, seed) => {
      let s = seed, v = 500; const ys = new Float64Array(n);
      for (let i = 0; i < n; i++) { s = (s * 1103515245 + 12345) % 2147483648; v += s / 2147483648 - 0.5; ys[i] = v; }
      return ys;
    };
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    const el = document.getElementById('c');
    const start = 1_790_000_000;
    const opts = (series) => ({ width: 1920, height: 600, pxAlign: 1, cursor: { show: false }, legend: { show: false },
      scales: { x: { time: true } }, series: [{}, ...series.map((_, i) => ({ stroke: ['#2563eb', '#d97706', '#059669'][i], width: 1 }))] });
    if (name === 'p1') {
      const n = 55_550;
      const xs = Float64Array.from({ length: n }, (_, i) => start + i);
      const data = [xs, walk(n, 1), walk(n, 2), walk(n, 3)];
      const times = [];
      for (let i = 0; i < 33; i++) {
        let done;
        const drawn = new Promise((r) => (done = r));
        const t0 = performance.now();
        const u = new uPlot({ ...opts([1, 2, 3]), hooks: { draw: [() => done(performance.now())] } }, data, el);
        await drawn;
        u.ctx.getImageData(0, 0, 1, 1);
        times.push(performance.now() - t0);
        await frame();
        u.destroy();
      }
      return { renders_ms: times.slice(3) };
    }
    if (name === 'p2') {
      const n = 10_000_000;
      const xs = new Float64Array(n); for (let i = 0; i < n; i++) xs[i] = start + i;
      let done = () => {};
      const u = new uPlot({ ...opts([1]), hooks: { draw: [() => done()] } }, [xs, walk(n, 9)], el);
      await frame();
      const times = []; let seed = 3;
      for (let i = 0; i < 24; i++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const frac = [1, 0.3, 0.05, 0.005][i % 4];
        const span = n * frac; const from = start + (seed % Math.max(1, n - span + 1));
        const drawn = new Promise((r) => (done = r));
        const t0 = performance.now();
        u.setScale('x', { min: from, max: from + span });
        await drawn;
        u.ctx.getImageData(0, 0, 1, 1);
        times.push(performance.now() - t0);
        await frame();
      }
      return { renders_ms: times };
    }
  }, name);
  await page.close();
  return result;
}

const out = {};
for (const c of ['p1', 'p2', 'p3', 'p4', 'p12']) out[c] = await cairn(c, c === 'p3');
for (const c of ['p1', 'p2']) out[`uplot_${c}`] = await uplot(c);
out.p3_floor_busy = await floor();
const chromium = browser.version();
const uplotVersion = await npmVersion('uplot');
await browser.close();
server.close();
await mkdir(join(root, 'target/bench'), { recursive: true });
await writeFile(join(root, 'target/bench/chart.json'), JSON.stringify(out, null, 1));

const f = (x) => x.toFixed(1);
const row = (what, s, target) => `| ${what} | ${f(s.median)} ms | ${f(s.p95)} ms | ${target} |`;
const p1 = stats(out.p1.renders_ms), u1 = stats(out.uplot_p1.renders_ms);
const p2 = stats(out.p2.renders_ms), u2 = stats(out.uplot_p2.renders_ms);
const frames = out.p3.frame_intervals_ms;
const gaps = frames.filter((x) => x > 20).length / frames.length;
const draw3 = stats(out.p3.draw_ms);
console.log(`\n### Charts (e2e/bench/chart.mjs: headless Chromium ${chromium}, 1920×1080, DPR 1; uPlot ${uplotVersion} on the same data in the same run)\n`);
console.log(`> P1, P2 and P4 times run from the start of the render call until the pixels are in the canvas: Cairn reads back one pixel of each of its canvases (\`getImageData\`) after \`putImageData\`; uPlot is timed to its \`draw\` hook plus the same read-back. P1: ${out.p1.renders_ms.length} cold renders after 3 warm-up ones; P2: ${out.p2.renders_ms.length} zooms cycling through 100 / 30 / 5 / 0.5 % windows at random offsets; P3: 10 s of one new point per chart per frame, each chart drawn as a live chart draws (on whole columns, only the columns that changed; no read-back).\n`);
console.log('| case | median | p95 | target |\n|---|---:|---:|---|');
console.log(row('P1 Cairn cold render, 3 × 55,550 points, 1920×600', p1, '≤ ½ uPlot'));
console.log(row(`P1 uPlot ${uplotVersion}, same shape, same run`, u1, '—'));
console.log(`| P1 ratio Cairn / uPlot | ${(p1.median / u1.median).toFixed(2)} | ${(p1.p95 / u1.p95).toFixed(2)} | ≤ 0.5 |`);
console.log(row('P2 Cairn zoom re-render, 10 M points (100 % / 30 % / 5 % / 0.5 %)', p2, '≤ 50 ms'));
console.log(row(`P2 uPlot ${uplotVersion} setScale, same data`, u2, '—'));
const part = (p) => `scene (M4 + scales) ${f(p.scene_ms)}, frame ${f(p.frame_ms)}, lines ${f(p.lines_ms)}, put ${f(p.put_ms)} ms`;
console.log(`| P1 Cairn median parts | ${part(out.p1.parts)} | | |`);
console.log(`| P2 Cairn median parts | ${part(out.p2.parts)} | | |`);
console.log(`| P2 Cairn first draw, full extent, cold caches (the 1st of the 24) | ${f(out.p2.renders_ms[0])} ms | | ≤ 50 ms |`);
if (out.p2.first_parts) console.log(`| P2 Cairn first draw's parts | ${part(out.p2.first_parts)} | | |`);
if (out.p2.intl_ms !== undefined) console.log(`| P2 the tab's first Intl formatter, made before the draws as the app does at start (\`format::warm_up\`) | ${f(out.p2.intl_ms)} ms | | — |`);
if (out.p2.load_ms !== undefined) console.log(`| P2 Cairn 10 M points taken in, block summaries made (once, on arrival) | ${f(out.p2.load_ms)} ms | | — |`);
console.log(row(`P3 Cairn 4 charts × 3,600 points, draw per frame (${frames.length} frames)`, draw3, '—'));
console.log(`| P3 Cairn median parts, one chart | ${part(out.p3.parts)} | | |`);
console.log(`| P3 frame gaps > 20 ms | ${(gaps * 100).toFixed(2)} % of frames | | ≤ 0.5 % |`);
console.log(`| P3 main thread busy | ${(out.p3.busy * 100).toFixed(1)} % | | ≤ 10 % |`);
console.log(`| P3 frame canvas drawn (only when the view moved a column, or its scales or bands changed) | ${out.p3.parts.frames_drawn} of ${out.p3.parts.renders} renders of chart 1 | | — |`);
console.log(`| P3 floor: the same 8 canvases, one pixel put in each lines canvas per frame, nothing else | ${(out.p3_floor_busy * 100).toFixed(1)} % busy | | — |`);
console.log(`| P4 differing pixels, decimated vs raw render (1-px lines) | ${out.p4.differing_pixels} of ${out.p4.inked_pixels} inked | | 0 |`);
console.log(`| P4 points drawn | ${out.p4.decimated_points.join(' + ')} of ${out.p4.raw_points}, ≤ ${out.p4.max_points_per_column} per pixel column | | ≤ 4 |`);
const mb = (b) => (b / 1048576).toFixed(1);
console.log(`| P12 memory, 3 × 55,550 points loaded and drawn | wasm ${mb(out.p12.wasm_memory_bytes)} MB + JS heap ${mb(out.p12.js_heap_used)} MB${out.p12.ua_memory ? `; measureUserAgentSpecificMemory ${mb(out.p12.ua_memory)} MB` : ''} | | ≤ 20 MB |`);

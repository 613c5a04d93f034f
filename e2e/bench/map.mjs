// Map benchmark (PERFORMANCE.md P5) in headless Chromium: Cairn's map
// engine on 50,000 sensors, and Leaflet.markercluster 1.5.3 from npm on the
// same places in the same run. Run by `cargo xtask bench`:
// node e2e/bench/map.mjs <dist-dir> (the build with the benchmark pages,
// feature `bench`, target/bench-dist; dist/ has none). Prints a Markdown report and writes
// target/bench/map.json.
//
// Every timed step ends once its pixels are out, as in the chart bench (the
// browser may defer canvas drawing and layout until a read-back or the next
// frame): Cairn's page forces layout and reads back one pixel of its sensor
// canvas (src/pages/bench_map.rs); markercluster draws DOM markers, so its
// steps force layout with getBoundingClientRect() of the marker pane.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { launch, npmPage, npmVersion, root, serve, stats } from './serve.mjs';

const dist = resolve(process.argv[2] ?? join(root, 'target/bench-dist'));
const { server, base } = await serve(dist, {
  '/markercluster': () => npmPage(
    ['leaflet/dist/leaflet.css', 'leaflet.markercluster/dist/MarkerCluster.css', 'leaflet.markercluster/dist/MarkerCluster.Default.css'],
    ['leaflet/dist/leaflet.js', 'leaflet.markercluster/dist/leaflet.markercluster.js'],
    '<div id="m" style="width:1920px;height:1080px"></div>'),
});
const browser = await launch();
const viewport = { width: 1920, height: 1080 };

// Cairn: index + first frame, pan and zoom steps, 500 status changes.
const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
page.on('pageerror', (e) => console.error(`cairn: ${e.message}`));
await page.goto(`${base}/bench/map`);
await page.waitForFunction(() => window.__cairnBench, null, { timeout: 300_000, polling: 200 });
const cairn = JSON.parse(await page.evaluate(() => window.__cairnBench));
await page.close();
if (cairn.error) throw new Error(`cairn map bench: ${cairn.error}`);

// Leaflet.markercluster on the same places: addLayers to its markers laid
// out, then the same pan and zoom steps (without animation, so each step
// finishes its re-clustering synchronously, as Cairn's do), each to layout.
const mc = await browser.newPage({ viewport, deviceScaleFactor: 1 });
mc.on('pageerror', (e) => console.error(`markercluster: ${e.message}`));
await mc.goto(`${base}/markercluster`);
const cluster = await mc.evaluate(async (places) => {
  const now = () => performance.now();
  const map = L.map('m', { center: [51.2, 4.6], zoom: 8, minZoom: 3, maxZoom: 20, zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false });
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  // Cluster icons and markers are DOM elements in the marker pane: forcing
  // layout is what gets them onto the page without waiting for a frame.
  const settle = () => map.getPane('markerPane').getBoundingClientRect();
  await frame();
  const t0 = now();
  const group = L.markerClusterGroup({ animate: false });
  group.addLayers(places.map(([lat, lon]) => L.marker([lat, lon])));
  map.addLayer(group);
  settle();
  const first = now() - t0;
  await frame();
  const pan = [];
  for (let i = 0; i < 120; i++) {
    const step = Math.floor(i / 30) % 2 === 0 ? 40 : -40;
    const t = now();
    map.panBy([step, step / 2], { animate: false });
    settle();
    pan.push(now() - t);
  }
  const zoom = [];
  for (const z of [6, 7, 8, 9, 10, 11, 12, 13, 14, 13, 12, 11, 10, 9, 8, 7, 6]) {
    const t = now();
    map.setZoom(z, { animate: false });
    settle();
    zoom.push(now() - t);
  }
  return { first_render_ms: first, pan_ms: pan, zoom_ms: zoom };
}, cairn.places);
await mc.close();
const chromium = browser.version();
const [leafletVersion, mcVersion] = [await npmVersion('leaflet'), await npmVersion('leaflet.markercluster')];
await browser.close();
server.close();

delete cairn.places;
await mkdir(join(root, 'target/bench'), { recursive: true });
await writeFile(join(root, 'target/bench/map.json'), JSON.stringify({ cairn, markercluster: cluster }, null, 1));

const f = (x) => x.toFixed(1);
const row = (what, s, target) => `| ${what} | ${f(s.median)} ms | ${f(s.p95)} ms | ${target} |`;
console.log(`\n### Map (e2e/bench/map.mjs: headless Chromium ${chromium}, 1920×1080, DPR 1; Leaflet ${leafletVersion} + Leaflet.markercluster ${mcVersion} on the same places)\n`);
console.log('> Every time ends when the pixels are out: Cairn forces layout and reads back one pixel of its sensor canvas (`getImageData`) inside the timed step; markercluster, whose markers are DOM elements, forces layout (`getBoundingClientRect` of the marker pane). Steps are synchronous, without animation; frames of a real drag are not measured.\n');
console.log('| case | median | p95 | target |\n|---|---:|---:|---|');
console.log(`| P5 Cairn first render, ${cairn.sensors.toLocaleString('en-US')} sensors (index ${f(cairn.index_ms)} ms + first frame), to pixels | ${f(cairn.first_render_ms)} ms | — | ≤ 1/10 of markercluster |`);
console.log(`| P5 Leaflet.markercluster ${mcVersion}, same places, addLayers to markers laid out | ${f(cluster.first_render_ms)} ms | — | — |`);
console.log(`| P5 ratio Cairn / markercluster, first render | ${(cairn.first_render_ms / cluster.first_render_ms).toFixed(3)} | | ≤ 0.1 |`);
console.log(row(`P5 Cairn pan step (40 px): Leaflet move + redraw, to pixels (${cairn.pan_ms.length} steps)`, stats(cairn.pan_ms), '≤ 16.7 ms p95'));
console.log(row('P5 markercluster pan step, same, to layout', stats(cluster.pan_ms), '—'));
console.log(row(`P5 Cairn zoom step (6 ↔ 14): Leaflet + redraw, to pixels (${cairn.zoom_ms.length} steps)`, stats(cairn.zoom_ms), '≤ 16.7 ms p95'));
console.log(row('P5 markercluster zoom step, same, to layout', stats(cluster.zoom_ms), '—'));
console.log(row(`P5 Cairn 500 status changes applied and drawn, to pixels (${cairn.status_ms.length} rounds)`, stats(cairn.status_ms), '≤ 16.7 ms (next frame)'));

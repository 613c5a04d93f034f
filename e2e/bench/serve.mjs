// What the browser benchmarks share: a static server for dist/ (SPA
// fallback, cross-origin isolated so pages may measure their memory), extra
// pages built from npm packages, headless Chromium, and statistics.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const root = resolve(new URL('../..', import.meta.url).pathname);
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml' };

/** Serves `dist`; `pages` maps a path to a function returning an HTML string. */
export async function serve(dist, pages = {}) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
    try {
      if (pages[path]) {
        res.writeHead(200, { ...headers, 'content-type': 'text/html' });
        return res.end(await pages[path]());
      }
      const file = join(dist, path);
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(200, { ...headers, 'content-type': 'text/html' });
      res.end(await readFile(join(dist, 'index.html')));
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

/** A page of npm files inlined: styles, then scripts, then `body`. */
export async function npmPage(styles, scripts, body) {
  const read = (f) => readFile(join(root, 'node_modules', f), 'utf8');
  const css = (await Promise.all(styles.map(read))).join('\n');
  const js = (await Promise.all(scripts.map(read))).map((s) => `<script>${s}</script>`).join('');
  return `<!doctype html><html><head><style>${css}</style>${js}</head><body>${body}</body></html>`;
}

/** The installed version of an npm package (for the reports' labels). */
export async function npmVersion(name) {
  return JSON.parse(await readFile(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** Headless Chromium; CAIRN_BENCH_CHROMIUM_ARGS (space-separated) adds arguments for a probe. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-precise-memory-info',
      ...(process.env.CAIRN_BENCH_CHROMIUM_ARGS ?? '').split(' ').filter(Boolean)],
  });
}

export const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { n: s.length, median: at(0.5), p95: at(0.95), min: s[0], max: s[s.length - 1] };
};

/** Starts the real `cairn-server` (`bin`) on a free loopback port with its data in
 * `data`, serving `dist`, plus `args`; resolves once /api/health answers (a
 * simulator's first-start history is written before that). Kill `server` when done. */
export async function startServer(bin, data, dist, args) {
  const port = await new Promise((ok) => { const s = createTcpServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(bin, [`--addr=127.0.0.1:${port}`, '--data-dir', data, '--dist-dir', dist, '--map-tiles=none', ...args], { env: { ...process.env, RUST_LOG: 'warn' }, stdio: 'inherit' });
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${base}/api/health`)).ok) break; } catch { /* not yet */ }
    if (i > 1200) { server.kill('SIGTERM'); throw new Error('cairn-server did not start within 2 minutes'); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { server, base };
}

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dashboardMiddleware, isPagePath } from '../../apps/api/src/dashboard.ts';

let dir: string;
let server: Server;
let base: string;
let missingBase: string;
let missingServer: Server;

async function listen(dist: string): Promise<[Server, string]> {
  const app = express();
  app.use(dashboardMiddleware(dist));
  app.use((req, res) => {
    res.status(404).json({ passedThrough: req.path });
  });
  const s: Server = await new Promise((resolve) => {
    const srv = app.listen(0, '127.0.0.1', () => resolve(srv));
  });
  return [s, `http://127.0.0.1:${(s.address() as AddressInfo).port}`];
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-dist-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
  await writeFile(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  [server, base] = await listen(dir);
  [missingServer, missingBase] = await listen(join(dir, 'nope'));
});
after(async () => {
  await Promise.all([server, missingServer].map((s) => new Promise((r) => s.close(r))));
  await rm(dir, { recursive: true, force: true });
});

test('page paths answer index.html with security headers; assets are cached for good', async () => {
  for (const path of ['/', '/apps', '/apps/shop/settings', '/login?next=%2Fapps']) {
    const res = await fetch(base + path);
    assert.equal(res.status, 200, path);
    assert.match(await res.text(), /id="root"/);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
  }
  const asset = await fetch(`${base}/assets/index-abc.js`);
  assert.equal(asset.status, 200);
  assert.match(asset.headers.get('cache-control') ?? '', /max-age=31536000, immutable/);
});

test('/v1, git, missing assets, files and writes pass through to the API', async () => {
  for (const path of ['/v1', '/v1/apps', '/shop.git/info/refs', '/assets/missing.js', '/favicon.ico']) {
    const res = await fetch(base + path);
    assert.deepEqual(await res.json(), { passedThrough: path.split('?')[0] }, path);
  }
  const post = await fetch(`${base}/apps`, { method: 'POST' });
  assert.equal(post.status, 404);
  assert.equal(isPagePath('HEAD', '/apps'), true);
  assert.equal(isPagePath('DELETE', '/apps'), false);
});

test('a missing build answers 503 with the command to run', async () => {
  const res = await fetch(`${missingBase}/apps`);
  assert.equal(res.status, 503);
  assert.match(await res.text(), /dashboard not built: run <code>npm run build -w @slipway\/dashboard<\/code>/);
  const api = await fetch(`${missingBase}/v1/apps`);
  assert.equal(api.status, 404);
});

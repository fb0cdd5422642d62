import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { healthchecks } from '@slipway/app-json';
import { probe, runStartupChecks, watchLiveness, watchReadiness, type CheckTarget, type Readiness } from './health.ts';

// A real HTTP server stands in for the container's $PORT; commands are a fake exec.
let wedged = false;
let unready = false;
async function target(exitCode: number): Promise<{ t: CheckTarget; close: () => void }> {
  const server = createServer((req, res) => {
    if (req.url === '/ok') return res.end('nodejs/express');
    if (req.url === '/live') return res.writeHead(wedged ? 500 : 200).end();
    if (req.url === '/ready') return res.writeHead(unready ? 503 : 200).end();
    if (req.url === '/hang') return;
    if (req.url === '/redirect') return res.writeHead(302, { location: '/ok' }).end();
    res.writeHead(404).end('nope');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const t: CheckTarget = { published: { address: '127.0.0.1', port }, containerAddress: null, stillRunning: async () => true, exec: async () => exitCode };
  return { t, close: () => server.close() };
}
const checks = (list: object[]) => healthchecks.parse({ web: list }).web!;
const fast = { attempts: 2, wait: 0, timeout: 1 };

test('every startup check must pass, and each readiness check once (unless the container was adopted); warn-only failures and liveness checks do not decide', async () => {
  const { t, close } = await target(0);
  const failed: string[] = [];
  const run = (list: object[]) => runStartupChecks(checks(list), t, () => false, (c) => failed.push(c.name));
  try {
    assert.equal(await run([{ path: '/ok', content: 'nodejs/express', ...fast }, { command: 'true', ...fast }, { listening: true, ...fast }]), 'healthy');
    assert.equal(await run([{ path: '/redirect', ...fast }]), 'healthy', '3xx passes as in Dokku');
    assert.equal(await run([{ path: '/ok', ...fast }, { name: 'missing', path: '/missing', ...fast }]), 'failed', 'the second check fails: 404');
    assert.equal(await run([{ name: 'content', path: '/ok', content: 'django', ...fast }]), 'failed');
    assert.equal(await run([{ path: '/ok', ...fast }, { name: 'soft', path: '/missing', warn: true, ...fast }]), 'healthy');
    assert.equal(await run([{ path: '/ok', ...fast }, { type: 'liveness', path: '/missing', ...fast }]), 'healthy');
    assert.equal(await run([{ path: '/ok', ...fast }, { name: 'not ready', type: 'readiness', path: '/missing', ...fast }]), 'failed', 'no traffic before it is ready');
    assert.equal(await runStartupChecks(checks([{ path: '/ok', ...fast }, { type: 'readiness', path: '/missing', ...fast }]), t, () => false, () => {}, false), 'healthy', 'adopted: readiness is only watched');
    assert.deepEqual(failed, ['missing', 'content', 'soft', 'not ready']);
  } finally {
    close();
  }
  const exits1 = await target(1);
  try {
    assert.equal(await runStartupChecks(checks([{ command: ['/bin/false'], ...fast }]), exits1.t, () => false, () => {}), 'failed');
  } finally {
    exits1.close();
  }
});

test('uptime passes only if the container stays up; an exited container fails every check', async () => {
  const { t, close } = await target(0);
  try {
    assert.equal(await runStartupChecks(checks([{ uptime: 1 }]), t, () => false, () => {}), 'healthy');
    let up = true;
    setTimeout(() => (up = false), 300);
    assert.equal(await runStartupChecks(checks([{ uptime: 1 }]), { ...t, stillRunning: async () => up }, () => false, () => {}), 'failed');
    assert.equal(await runStartupChecks(checks([{ path: '/ok', ...fast }]), { ...t, stillRunning: async () => false }, () => false, () => {}), 'failed');
  } finally {
    close();
  }
});

test('liveness: checks keep running while the instance is up; the first that fails all its attempts is returned, a warn-only one is only reported', async () => {
  const { t, close } = await target(0);
  try {
    const warned: string[] = [];
    setTimeout(() => (wedged = true), 1500);
    const started = Date.now();
    const dead = await watchLiveness(checks([{ type: 'startup', path: '/ok' }, { type: 'liveness', name: 'soft', path: '/missing', warn: true, ...fast }, { type: 'liveness', name: 'live', path: '/live', ...fast }]), t, () => false, (c) => warned.push(c.name));
    assert.equal(dead?.check.name, 'live');
    assert.equal(dead?.reason, 'GET /live returned 500');
    assert.ok(Date.now() - started >= 1500, 'passed until the app wedged');
    assert.ok(warned.includes('soft'));
    assert.equal(await watchLiveness(checks([{ path: '/ok' }]), t, () => false, () => {}), null, 'no liveness checks: nothing to watch');
    assert.equal(await watchLiveness(checks([{ type: 'liveness', path: '/live', ...fast }]), { ...t, stillRunning: async () => false }, () => false, () => {}), null, 'a stopped container ends the watch');
  } finally {
    wedged = false;
    close();
  }
});

test('a probe says why it failed, in words', async () => {
  const { t, close } = await target(3);
  try {
    const one = (c: object) => probe(checks([{ ...c, ...fast }])[0]!, t);
    assert.equal(await one({ path: '/ok' }), null);
    assert.equal(await one({ path: '/missing' }), 'GET /missing returned 404');
    assert.equal(await one({ path: '/ok', content: 'django' }), 'GET /ok answered without "django"');
    assert.equal(await one({ path: '/hang' }), 'GET /hang timed out after 1 s', 'a wedged app that accepts TCP but never answers');
    assert.equal(await one({ command: ['/bin/false'] }), '/bin/false exited 3');
  } finally {
    close();
  }
});

test('readiness: checks keep running; an instance leaves when one fails all its attempts and returns when it passes', async () => {
  const { t, close } = await target(0);
  const seen: Readiness[] = [];
  let stop = false;
  try {
    const watching = watchReadiness(checks([{ type: 'startup', path: '/ok' }, { type: 'readiness', name: 'ready', path: '/ready', attempts: 1, wait: 0, timeout: 1 }]), t, () => stop, (r) => seen.push(r), () => {});
    const until = async (n: number) => { for (let i = 0; i < 100 && seen.length < n; i++) await new Promise((r) => setTimeout(r, 50)); };
    await until(1);
    unready = true;
    await until(2);
    unready = false;
    await until(3);
    stop = true;
    await watching;
    assert.deepEqual(seen, [{ ready: true }, { ready: false, reason: 'GET /ready returned 503' }, { ready: true }], 'each change once, with why');
  } finally {
    unready = false;
    close();
  }
});

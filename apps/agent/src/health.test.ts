import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { healthchecks } from '@slipway/app-json';
import { runStartupChecks, type CheckTarget } from './health.ts';

// A real HTTP server stands in for the container's $PORT; commands are a fake exec.
async function target(exitCode: number): Promise<{ t: CheckTarget; close: () => void }> {
  const server = createServer((req, res) => {
    if (req.url === '/ok') return res.end('nodejs/express');
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

test('every startup check must pass; warn-only failures and readiness/liveness checks do not decide', async () => {
  const { t, close } = await target(0);
  const failed: string[] = [];
  const run = (list: object[]) => runStartupChecks(checks(list), t, () => false, (c) => failed.push(c.name));
  try {
    assert.equal(await run([{ path: '/ok', content: 'nodejs/express', ...fast }, { command: 'true', ...fast }, { listening: true, ...fast }]), 'healthy');
    assert.equal(await run([{ path: '/redirect', ...fast }]), 'healthy', '3xx passes as in Dokku');
    assert.equal(await run([{ path: '/ok', ...fast }, { name: 'missing', path: '/missing', ...fast }]), 'failed', 'the second check fails: 404');
    assert.equal(await run([{ name: 'content', path: '/ok', content: 'django', ...fast }]), 'failed');
    assert.equal(await run([{ path: '/ok', ...fast }, { name: 'soft', path: '/missing', warn: true, ...fast }]), 'healthy');
    assert.equal(await run([{ path: '/ok', ...fast }, { type: 'readiness', path: '/missing', ...fast }]), 'healthy');
    assert.deepEqual(failed, ['missing', 'content', 'soft']);
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

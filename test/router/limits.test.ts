import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { createAdminServer } from '../../apps/router/src/admin/server.ts';
import { startBackend, startTestRouter, type TestBackend, type TestRouter } from './helpers.ts';

/** Sends raw bytes and returns the raw answer (for requests a normal client refuses to make). */
function raw(port: number, data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write(data));
    let out = '';
    s.on('data', (c) => (out += c));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

describe('router: timeouts, limits and error codes', () => {
  let r: TestRouter;
  let hang: TestBackend;
  let hangup: TestBackend;
  let ok: TestBackend;
  let deadUrl: string;

  before(async () => {
    r = await startTestRouter({
      REQUEST_TIMEOUT_MS: '300', MAX_BODY_BYTES: '1024', MAX_HEADER_BYTES: '2048',
      MAX_CONNECTIONS_PER_CLIENT: '4', CLIENT_IDLE_TIMEOUT_MS: '300',
    });
    hang = await startBackend('hang', () => {});
    hangup = await startBackend('hangup', (req) => req.socket.destroy());
    ok = await startBackend('ok', (req, res) => req.resume().on('end', () => res.end('{"backend":"ok"}')));
    const dead = await startBackend('dead');
    deadUrl = dead.url;
    await dead.kill();
    const one = (app: string, b: { id: string; url: string }) => [{ app, backends: [{ id: b.id, url: b.url }] }];
    await r.publish('hang.test', one('hang', hang));
    await r.publish('hangup.test', one('hangup', hangup));
    await r.publish('ok.test', one('ok', ok));
    await r.publish('dead.test', one('dead', { id: 'dead', url: deadUrl }));
    await r.publish('empty.test', [{ app: 'empty', backends: [] }]);
    await r.publish('draining.test', [{ app: 'draining', backends: [{ id: 'ok', url: ok.url, state: 'draining' }] }]);
  });
  after(async () => {
    await r.stop();
    await Promise.all([hang, hangup, ok].map((b) => b.kill()));
  });

  const expectCode = async (host: string, status: number, code: string, opts: Parameters<typeof request>[1] = {}): Promise<void> => {
    const res = await request(`http://127.0.0.1:${r.port}/`, { dispatcher: r.client, ...opts, headers: { host, ...(opts?.headers as object) } });
    const body = await res.body.text();
    assert.equal(res.statusCode, status, body);
    assert.equal(res.headers['x-slipway-error'], code);
    assert.doesNotMatch(body, /127\.0\.0\.1|ECONN|UND_ERR/);
  };

  it('times out a silent backend: 504 H12', () => expectCode('hang.test', 504, 'H12'));
  it('backend closing without response: 502 H13 (after one retry for GET)', async () => {
    await expectCode('hangup.test', 502, 'H13');
    await expectCode('hangup.test', 502, 'H13', { method: 'POST', body: 'x' });
  });
  it('backend refusing connections: 502 H10', () => expectCode('dead.test', 502, 'H10', { method: 'POST', body: 'x' }));
  it('no backend up (none listed, or all draining): 503 H14', async () => {
    await expectCode('empty.test', 503, 'H14');
    await expectCode('draining.test', 503, 'H14');
  });
  it('body over the limit, declared or streamed: 413 H25', async () => {
    await expectCode('ok.test', 413, 'H25', { method: 'POST', body: Buffer.alloc(2048) });
    await expectCode('ok.test', 413, 'H25', { method: 'POST', body: Readable.from([Buffer.alloc(800), Buffer.alloc(800)]) });
    const small = await request(`http://127.0.0.1:${r.port}/`, { dispatcher: r.client, method: 'POST', body: Buffer.alloc(1000), headers: { host: 'ok.test' } });
    assert.equal(small.statusCode, 200);
    await small.body.text();
  });
  it('headers over the limit: 431 H26', async () => {
    const answer = await raw(r.port, `GET / HTTP/1.1\r\nhost: ok.test\r\nx-big: ${'a'.repeat(4096)}\r\n\r\n`);
    assert.match(answer, /^HTTP\/1\.1 431 /);
    assert.match(answer, /x-slipway-error: H26/);
  });
  it('too many connections from one client: 429 H22', async () => {
    const idle: Socket[] = await Promise.all(
      Array.from({ length: 4 }, () => new Promise<Socket>((res) => { const s = connect(r.port, '127.0.0.1', () => res(s)); })),
    );
    try {
      const answer = await raw(r.port, 'GET / HTTP/1.1\r\nhost: ok.test\r\n\r\n');
      assert.match(answer, /^HTTP\/1\.1 429 /);
      assert.match(answer, /x-slipway-error: H22/);
    } finally {
      for (const s of idle) s.destroy();
    }
  });
  it('closes idle keep-alive client connections after the idle timeout', async () => {
    const closedAfter = await new Promise<number>((resolve) => {
      const s = connect(r.port, '127.0.0.1', () => s.write('GET / HTTP/1.1\r\nhost: ok.test\r\n\r\n'));
      let t = 0;
      s.on('data', () => (t ||= Date.now()));
      s.on('close', () => resolve(Date.now() - t));
      s.resume();
    });
    assert.ok(closedAfter >= 200, `closed ${closedAfter} ms after the response`);
  });
  it('counts requests and error codes in /metrics and per-app /stats', async () => {
    const admin = createAdminServer({
      contentType: r.router.metrics.registry.contentType,
      text: () => r.router.metrics.registry.metrics(),
      json: () => r.router.metrics.registry.getMetricsAsJSON(),
    });
    await new Promise<void>((res) => admin.listen(0, '127.0.0.1', res));
    try {
      const port = (admin.address() as AddressInfo).port;
      const text = await (await request(`http://127.0.0.1:${port}/metrics`)).body.text();
      assert.match(text, /slipway_router_errors_total\{app="hang",code="H12"\} 1/);
      assert.match(text, /slipway_router_backend_up\{app="ok",backend="ok"\} 1/);
      assert.match(text, /slipway_router_request_duration_seconds_count\{app="hang"\} 1/);
      const stats = (await (await request(`http://127.0.0.1:${port}/stats`)).body.json()) as { apps: Record<string, { requests: number; errors: Record<string, number>; latencyMs: { p50: number } }> };
      assert.equal(stats.apps.hang?.errors.H12, 1);
      assert.ok((stats.apps.ok?.requests ?? 0) >= 1);
      assert.equal(typeof stats.apps.ok?.latencyMs.p50, 'number');
    } finally {
      admin.close();
    }
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import WebSocket from 'ws';
import { backendOf, startBackend, startTestRouter, type TestBackend, type TestRouter } from './helpers.ts';

describe('router: routing, headers, streaming, websockets', () => {
  let r: TestRouter;
  let a: TestBackend;
  let b: TestBackend;
  let api: TestBackend;
  let stream: TestBackend;
  /** The /held download: whether the backend waits on the router to drain, and how its response ended. */
  let closed!: (finished: boolean) => void;
  const held = { sentMiB: 0, closed: new Promise<boolean>((r) => (closed = r)) };

  before(async () => {
    r = await startTestRouter();
    a = await startBackend('a1');
    b = await startBackend('b1');
    api = await startBackend('api1');
    stream = await startBackend('s1', (req, res) => {
      if (req.url === '/upload') {
        const hash = createHash('sha256');
        let n = 0;
        req.on('data', (c: Buffer) => { n += c.length; hash.update(c); });
        req.on('end', () => res.end(JSON.stringify({ bytes: n, sha: hash.digest('hex') })));
      } else if (req.url === '/held') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(1 << 20, 9);
        res.once('close', () => closed(res.writableFinished));
        const pump = (): void => {
          while (held.sentMiB < 256) {
            held.sentMiB++;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
      } else if (req.url === '/download') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        let left = 64;
        const chunk = Buffer.alloc(1 << 20, 7);
        const pump = (): void => {
          while (left > 0) {
            left--;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        let i = 0;
        const t = setInterval(() => {
          res.write(`part ${i}\n`);
          if (++i === 5) { clearInterval(t); res.end(); }
        }, 20);
      }
    });
    await r.publish('shop.slipway.localhost', [{ app: 'shop', backends: [{ id: 'a1', url: a.url }] }]);
    await r.publish('www.shop-example.test', [{ app: 'shop', backends: [{ id: 'a1', url: a.url }] }]);
    await r.publish('multi.slipway.localhost', [
      { app: 'multi', backends: [{ id: 'b1', url: b.url }] },
      { app: 'multi-api', pathPrefix: '/api', backends: [{ id: 'api1', url: api.url }] },
    ]);
    await r.publish('stream.slipway.localhost', [{ app: 'stream', backends: [{ id: 's1', url: stream.url }] }]);
  });
  after(async () => {
    await r.stop();
    await Promise.all([a, b, api, stream].map((x) => x.close()));
  });

  it('routes by Host, ignoring case and port', async () => {
    const res = await r.get('SHOP.slipway.localhost:8080');
    assert.equal(res.status, 200);
    assert.equal(backendOf(res.body), 'a1');
  });

  it('routes a custom domain', async () => {
    assert.equal(backendOf((await r.get('www.shop-example.test')).body), 'a1');
  });

  it('answers an unknown host with a 404 page naming no internals', async () => {
    const res = await r.get('nope.slipway.localhost');
    assert.equal(res.status, 404);
    assert.equal(res.headers['x-slipway-error'], 'H00');
    assert.match(res.body, /No such app/);
    assert.doesNotMatch(res.body, /127\.0\.0\.1|slipway_t_|Error:|at \S+:\d+/);
  });

  it('uses the longest path prefix on segment boundaries', async () => {
    assert.equal(backendOf((await r.get('multi.slipway.localhost', '/api/users')).body), 'api1');
    assert.equal(backendOf((await r.get('multi.slipway.localhost', '/api')).body), 'api1');
    assert.equal(backendOf((await r.get('multi.slipway.localhost', '/apix')).body), 'b1');
    assert.equal(backendOf((await r.get('multi.slipway.localhost', '/')).body), 'b1');
  });

  it('adds forwarding headers, keeps a sent request id, drops hop-by-hop headers', async () => {
    // node:http sends the Connection header exactly as given (undici rewrites it).
    const res = await new Promise<{ body: string; headers: IncomingHttpHeaders }>((resolve, reject) => {
      const req = httpRequest({
        port: r.port, host: '127.0.0.1', path: '/h', agent: false,
        headers: { host: 'shop.slipway.localhost', 'x-request-id': 'abc-123', 'x-forwarded-for': '203.0.113.9', connection: 'close, x-private', 'x-private': 'secret' },
      }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ body, headers: res.headers }));
      });
      req.on('error', reject);
      req.end();
    });
    const h = (JSON.parse(res.body) as { headers: Record<string, string> }).headers;
    assert.equal(h['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
    assert.equal(h['x-forwarded-proto'], 'http');
    assert.equal(h['x-forwarded-host'], 'shop.slipway.localhost');
    assert.equal(h['x-forwarded-port'], String(r.port));
    assert.equal(h['x-request-id'], 'abc-123');
    assert.match(h['x-request-start']!, /^t=\d{13}$/);
    assert.equal(h['x-private'], undefined);
    assert.equal(res.headers['x-request-id'], 'abc-123');
    const fresh = JSON.parse((await r.get('shop.slipway.localhost')).body) as { headers: Record<string, string> };
    assert.match(fresh.headers['x-request-id']!, /^[0-9a-f-]{36}$/);
  });

  it('streams a 48 MiB chunked upload through unchanged', async () => {
    const hash = createHash('sha256');
    async function* body() {
      for (let i = 0; i < 48; i++) {
        const chunk = Buffer.alloc(1 << 20, i);
        hash.update(chunk);
        yield chunk;
      }
    }
    const res = await request(`http://127.0.0.1:${r.port}/upload`, {
      method: 'POST', body: Readable.from(body()), dispatcher: r.client, headers: { host: 'stream.slipway.localhost' },
    });
    const got = (await res.body.json()) as { bytes: number; sha: string };
    assert.equal(res.statusCode, 200);
    assert.deepEqual(got, { bytes: 48 << 20, sha: hash.digest('hex') });
  });

  it('streams a 64 MiB download', async () => {
    const res = await request(`http://127.0.0.1:${r.port}/download`, { dispatcher: r.client, headers: { host: 'stream.slipway.localhost' } });
    let n = 0;
    for await (const c of res.body) n += (c as Buffer).length;
    assert.equal(n, 64 << 20);
  });

  it('holds the backend back while the client reads nothing, and ends its response when the client hangs up', { timeout: 30_000 }, async () => {
    const client = new Promise<IncomingMessage>((resolve, reject) => {
      httpRequest({ port: r.port, host: '127.0.0.1', path: '/held', agent: false, headers: { host: 'stream.slipway.localhost' } }, resolve)
        .on('error', reject)
        .end();
    });
    const res = await client;
    res.pause();
    // Socket buffers fill within a few MiB; without backpressure the router would take all 256 MiB into memory.
    await sleep(1_000);
    assert.ok(held.sentMiB < 64, `the backend sent ${held.sentMiB} MiB to a client reading nothing`);
    res.destroy();
    assert.equal(await held.closed, false, 'the backend response was cut, not finished');
  });

  it('passes chunked responses through as they are produced', async () => {
    const res = await request(`http://127.0.0.1:${r.port}/chunks`, { dispatcher: r.client, headers: { host: 'stream.slipway.localhost' } });
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    const parts: string[] = [];
    for await (const c of res.body) parts.push(String(c));
    assert.ok(parts.length >= 2, `expected several chunks, got ${parts.length}`);
    assert.equal(parts.join(''), [0, 1, 2, 3, 4].map((i) => `part ${i}\n`).join(''));
  });

  it('proxies a WebSocket echo', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${r.port}/socket`, { headers: { host: 'shop.slipway.localhost' } });
    const messages: string[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (d) => {
        messages.push(String(d));
        if (messages.length === 1) ws.send('hello');
        else resolve();
      });
    });
    assert.equal(JSON.parse(messages[0]!).backend, 'a1');
    assert.equal(JSON.parse(messages[0]!).forwardedFor, '127.0.0.1');
    assert.equal(messages[1], 'hello');
    ws.close();
  });

  it('refuses a WebSocket for an unknown host with a code', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${r.port}/`, { headers: { host: 'ghost.slipway.localhost' } });
    ws.on('error', () => {}); // the refused handshake also surfaces as an error event
    const status = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    assert.equal(status, 404);
    ws.terminate();
  });
});

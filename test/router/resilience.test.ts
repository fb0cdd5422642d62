import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { backendOf, runStream, startBackend, startTestRouter, type TestBackend, type TestRouter } from './helpers.ts';

describe('router: backend death, live changes, ejection, affinity', () => {
  let r: TestRouter;
  let backends: TestBackend[] = [];
  const spawn = async (id: string, handler?: Parameters<typeof startBackend>[1]): Promise<TestBackend> => {
    const b = await startBackend(id, handler);
    backends.push(b);
    return b;
  };
  const hits = (hist: Map<string, number>, body: string): void => {
    const id = backendOf(body);
    hist.set(id, (hist.get(id) ?? 0) + 1);
  };

  beforeEach(async () => {
    r = await startTestRouter({ EJECT_MS: '2000' });
  });
  afterEach(async () => {
    await r.stop();
    await Promise.all(backends.map((b) => b.kill()));
    backends = [];
  });

  it('loses no GET when a backend is killed mid-stream', async () => {
    const [a, b, c] = await Promise.all([spawn('a'), spawn('b'), spawn('c')]);
    await r.publish('kill.test', [{ app: 'kill', backends: [a, b, c].map((x) => ({ id: x.id, url: x.url })) }]);
    const seen = new Map<string, number>();
    const { failures, statuses } = await runStream(
      1500, 16,
      async () => {
        const res = await r.get('kill.test', '/item');
        if (res.status === 200) hits(seen, res.body);
        return res.status;
      },
      { 400: () => b!.kill() },
    );
    assert.deepEqual(failures, []);
    assert.equal(statuses.get(200), 1500);
    assert.ok((seen.get('b') ?? 0) < 1500 / 3, 'the killed backend stopped getting requests');
  });

  it('loses no request (GET or POST) while backends are added, drained and removed', async () => {
    const [a, b, c] = await Promise.all([spawn('a'), spawn('b'), spawn('c')]);
    const host = 'change.test';
    const route = (list: { id: string; url: string; state?: 'active' | 'draining' }[]) => [{ app: 'change', backends: list }];
    await r.publish(host, route([{ id: 'a', url: a!.url }]));
    const seen = new Map<string, number>();
    const { failures } = await runStream(
      2000, 16,
      async (i) => {
        const res = await request(`http://127.0.0.1:${r.port}/x`, {
          dispatcher: r.client, method: i % 3 === 0 ? 'POST' : 'GET', headers: { host }, body: i % 3 === 0 ? `payload ${i}` : undefined,
        });
        const body = await res.body.text();
        if (res.statusCode === 200) hits(seen, body);
        return res.statusCode;
      },
      {
        300: () => r.publish(host, route([{ id: 'a', url: a!.url }, { id: 'b', url: b!.url }])),
        700: () => r.publish(host, route([{ id: 'a', url: a!.url, state: 'draining' }, { id: 'b', url: b!.url }, { id: 'c', url: c!.url }])),
        1100: async () => {
          await r.publish(host, route([{ id: 'b', url: b!.url }, { id: 'c', url: c!.url }]));
          await a!.close(); // retired only after the router stopped sending to it
        },
      },
    );
    assert.deepEqual(failures, []);
    for (const id of ['a', 'b', 'c']) assert.ok((seen.get(id) ?? 0) > 0, `backend ${id} served requests`);
  });

  it('keeps an affinity client on its backend and re-pins it when that backend dies', async () => {
    const list = await Promise.all([spawn('p1'), spawn('p2'), spawn('p3')]);
    await r.publish('sticky.test', [{ app: 'sticky', affinity: true, backends: list.map((x) => ({ id: x.id, url: x.url })) }]);
    const first = await r.get('sticky.test');
    const setCookie = String(first.headers['set-cookie']);
    const cookie = setCookie.split(';')[0]!;
    assert.match(cookie, /^slipway-affinity=/);
    const pinned = backendOf(first.body);
    for (let i = 0; i < 15; i++) assert.equal(backendOf((await r.get('sticky.test', '/', { cookie })).body), pinned);

    const forged = cookie.replace(/\.[^.]+$/, '.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    assert.ok((await r.get('sticky.test', '/', { cookie: forged })).headers['set-cookie'], 'a forged cookie is replaced');

    await list.find((b) => b.id === pinned)!.kill();
    const after = await r.get('sticky.test', '/', { cookie });
    assert.equal(after.status, 200);
    const moved = backendOf(after.body);
    assert.notEqual(moved, pinned);
    const repinned = String(after.headers['set-cookie']).split(';')[0]!;
    for (let i = 0; i < 10; i++) assert.equal(backendOf((await r.get('sticky.test', '/', { cookie: repinned })).body), moved);
  });

  it('passively ejects a backend after a burst of 5xx answers', async () => {
    const bad = await spawn('bad', (_req, res) => res.writeHead(500).end('{"backend":"bad"}'));
    const good = await spawn('good');
    await r.publish('burst.test', [{ app: 'burst', backends: [bad, good].map((x) => ({ id: x.id, url: x.url })) }]);
    const seen = new Map<string, number>();
    for (let i = 0; i < 40; i++) hits(seen, (await r.get('burst.test')).body);
    assert.equal(seen.get('bad'), 5, 'five 5xx in a row, then out of rotation');
  });
});

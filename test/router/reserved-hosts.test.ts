import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { routeKeys, setHostRoutes } from '@slipway/routing';
import { Redis } from 'ioredis';
import { backendOf, startBackend, startTestRouter, type TestBackend, type TestRouter } from './helpers.ts';

// Defence in depth: whoever writes the table, the router never serves an app for an
// IP literal, localhost, the bare platform domain or a control-plane name.
describe('router: reserved hosts are never routed', () => {
  const prefix = `slipway_t_${randomBytes(6).toString('hex')}:`;
  const keys = routeKeys(prefix);
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const reserved = ['127.0.0.1', '[::1]', 'slipway.localhost', 'localhost', 'app.localhost', 'a.b.slipway.localhost', 'console.example.test', 'intranet'];
  let r: TestRouter;
  let app: TestBackend;
  const to = (a: TestBackend) => [{ app: 'tenant', backends: [{ id: a.id, url: a.url }] }];

  before(async () => {
    app = await startBackend('tenant-1');
    // Written before the router starts: its first full load must leave them out.
    for (const host of [...reserved, 'shop.slipway.localhost', 'www.shop.test']) await setHostRoutes(redis, host, to(app), keys);
    r = await startTestRouter({ ROUTES_KEY_PREFIX: prefix, SLIPWAY_DOMAIN: 'slipway.localhost', SLIPWAY_RESERVED_HOSTS: 'console.example.test' });
  });
  after(async () => {
    await r.stop();
    await app.close();
    await redis.del(keys.hash);
    redis.disconnect();
  });

  it('loads the table without the reserved hosts and answers 404 for them', async () => {
    assert.deepEqual([...r.router.table().routes()].map(([h]) => h).sort(), ['shop.slipway.localhost', 'www.shop.test']);
    for (const host of [...reserved, '127.0.0.1:8080', '[::1]:80', 'SLIPWAY.LOCALHOST.', 'unknown.example', '']) {
      const res = await r.get(host);
      assert.equal(res.status, 404, host);
      assert.match(res.body, /No such app/, host);
    }
    for (const host of ['shop.slipway.localhost', 'SHOP.slipway.localhost.', 'www.shop.test:8080']) assert.equal(backendOf((await r.get(host)).body), 'tenant-1', host);
  });

  it('refuses a reserved host announced while running', async () => {
    await setHostRoutes(redis, '10.231.0.1', to(app), keys);
    await setHostRoutes(redis, 'late.shop.test', to(app), keys);
    for (let i = 0; i < 200 && !r.router.table().match('late.shop.test', '/'); i++) await sleep(10);
    assert.ok(r.router.table().match('late.shop.test', '/'), 'the later change was applied');
    assert.equal(r.router.table().match('10.231.0.1', '/'), undefined);
    assert.equal((await r.get('10.231.0.1')).status, 404);
  });
});

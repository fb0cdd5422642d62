import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, it } from 'node:test';
import { Redis } from 'ioredis';
import { deleteHost, getHostRoutes, listRoutes, routeKeys, setHostRoutes } from './index.ts';

// Real Redis, under a key prefix of its own.
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const keys = routeKeys(`slipway_t_${randomBytes(6).toString('hex')}:`);
after(async () => {
  await redis.del(keys.hash);
  redis.disconnect();
});

it('writes, notifies, lists and deletes host routes idempotently', async () => {
  const sub = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const heard: string[] = [];
  await sub.subscribe(keys.channel);
  sub.on('message', (_c, host: string) => heard.push(host));
  const routes = [{ app: 'shop', backends: [{ id: 'web.1', url: 'http://10.0.0.1:5000' }] }];
  await setHostRoutes(redis, 'Shop.Example.com', routes, keys);
  await setHostRoutes(redis, 'shop.example.com', routes, keys);
  const got = await getHostRoutes(redis, 'shop.example.com', keys);
  assert.equal(got?.[0]?.balance, 'round-robin');
  assert.equal(got?.[0]?.backends[0]?.state, 'active');
  assert.deepEqual([...(await listRoutes(redis, keys)).keys()], ['shop.example.com']);
  await deleteHost(redis, 'shop.example.com', keys);
  await deleteHost(redis, 'shop.example.com', keys);
  assert.equal(await getHostRoutes(redis, 'shop.example.com', keys), undefined);
  for (let i = 0; i < 50 && heard.length < 4; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(heard, ['shop.example.com', 'shop.example.com', 'shop.example.com', 'shop.example.com']);
  sub.disconnect();
});

it('rejects invalid routes before writing and skips malformed stored entries', async () => {
  await assert.rejects(setHostRoutes(redis, 'bad.example', [{ app: '', backends: [] }], keys));
  await redis.hset(keys.hash, 'broken.example', '{not json');
  const invalid: string[] = [];
  const all = await listRoutes(redis, keys, (h) => invalid.push(h));
  assert.equal(all.has('broken.example'), false);
  assert.deepEqual(invalid, ['broken.example']);
});

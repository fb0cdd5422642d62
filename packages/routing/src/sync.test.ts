import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, it } from 'node:test';
import { Redis } from 'ioredis';
import { getHostRoutes, listRoutes, removeAppEverywhere, routeKeys, setHostRoutes, syncRouteTable } from './index.ts';

// Real Redis, under a key prefix of its own.
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const keys = routeKeys(`slipway_t_${randomBytes(6).toString('hex')}:`);
const secret = randomBytes(32).toString('hex');
after(async () => {
  await redis.del(keys.hash);
  redis.disconnect();
});
const route = (app: string, pathPrefix = '/') => ({ app, pathPrefix, backends: [{ id: `${app}.1`, url: 'http://10.0.0.1:5000' }] });
const apps = async () => Object.fromEntries([...(await listRoutes(redis, keys, () => {}, secret))].map(([h, r]) => [h, r.map((x) => x.app)]));

it('makes the stored table exactly the desired one: stale, unsigned and unassigned hosts go; unchanged ones are not rewritten', async () => {
  await setHostRoutes(redis, 'stale.example.test', [route('alice'), route('bob')], keys, secret);
  await setHostRoutes(redis, 'gone.example.test', [route('alice')], keys, secret);
  await setHostRoutes(redis, 'bob.apps.test', [route('bob')], keys, secret);
  await redis.hset(keys.hash, 'unsigned.example.test', JSON.stringify([route('mallory')]));
  await redis.hset(keys.hash, 'Upper.Example.Test', 'junk');
  const desired = new Map([['stale.example.test', [route('bob')]], ['bob.apps.test', [route('bob')]], ['unsigned.example.test', [route('carol')]]]);

  const first = await syncRouteTable(redis, desired, keys, secret);
  assert.deepEqual(first.written.sort(), ['stale.example.test', 'unsigned.example.test']);
  assert.deepEqual(first.removed.sort(), ['Upper.Example.Test', 'gone.example.test']);
  assert.deepEqual(await apps(), { 'stale.example.test': ['bob'], 'bob.apps.test': ['bob'], 'unsigned.example.test': ['carol'] });
  assert.deepEqual(Object.keys(await redis.hgetall(keys.hash)).sort(), ['bob.apps.test', 'stale.example.test', 'unsigned.example.test']);

  assert.deepEqual(await syncRouteTable(redis, desired, keys, secret), { written: [], removed: [] });
  assert.deepEqual((await syncRouteTable(redis, new Map(), keys, secret)).removed.sort(), ['bob.apps.test', 'stale.example.test', 'unsigned.example.test']);
  assert.equal(await redis.hlen(keys.hash), 0);
});

it('takes an app off every host that names it, keeping other apps there', async () => {
  await setHostRoutes(redis, 'doomed.apps.test', [route('doomed')], keys, secret);
  await setHostRoutes(redis, 'old-domain.example.test', [route('doomed')], keys, secret);
  await setHostRoutes(redis, 'shared.example.test', [route('doomed'), route('neighbour', '/b')], keys, secret);
  await setHostRoutes(redis, 'other.example.test', [route('neighbour')], keys, secret);
  assert.deepEqual((await removeAppEverywhere(redis, 'doomed', keys, secret)).sort(), ['doomed.apps.test', 'old-domain.example.test', 'shared.example.test']);
  assert.deepEqual(await removeAppEverywhere(redis, 'doomed', keys, secret), []);
  assert.equal(await getHostRoutes(redis, 'old-domain.example.test', keys, secret), undefined);
  assert.deepEqual(await apps(), { 'shared.example.test': ['neighbour'], 'other.example.test': ['neighbour'] });
});

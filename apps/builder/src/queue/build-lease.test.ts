import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { acquireBuildLease } from './build-lease.ts';

const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const buildId = `lease-test-${randomUUID()}`;
const key = `slipway:build:${buildId}:runner`;
after(async () => {
  await redis.del(key);
  redis.disconnect();
});

test('one runner at a time; an expired lease is taken back, a lease taken over is lost', async () => {
  const first = await acquireBuildLease(redis, buildId);
  assert.ok(first);
  assert.equal(await acquireBuildLease(redis, buildId), null, 'held: a second runner waits');
  assert.equal(await first.renew(), true);
  assert.ok((await redis.ttl(key)) > 0);

  await redis.del(key); // as if the TTL ran out while the runner was paused, with nobody else waiting
  assert.equal(await first.renew(), true, 'taken back, so the build is not orphaned');

  await redis.del(key);
  const second = await acquireBuildLease(redis, buildId);
  assert.ok(second);
  assert.equal(await first.renew(), false, 'another runner owns the build now');
  await first.release();
  assert.equal(await acquireBuildLease(redis, buildId), null, "releasing a lost lease leaves the new owner's alone");
  await second.release();
  assert.ok(await acquireBuildLease(redis, buildId), 'free once released');
});

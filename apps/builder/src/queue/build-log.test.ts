import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { sign } from '@slipway/core';
import { DROPPED_ENTRY_WARNING, buildLogKey, followBuildLog, publishEnd, publishLine, type BuildLogEvent } from './build-log.ts';

const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const secret = 's'.repeat(40);
const [build, other, plain, mismatched] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
after(async () => {
  await redis.del(buildLogKey(build), buildLogKey(other), buildLogKey(plain), buildLogKey(mismatched));
  redis.disconnect();
});

async function events(buildId: string, key?: string): Promise<BuildLogEvent[]> {
  const out: BuildLogEvent[] = [];
  for await (const e of followBuildLog(redis, buildId, key, { blockMs: 200 })) out.push(e);
  return out;
}

test('with a secret, followers see the signed entries of their build only, on every read', async () => {
  await publishLine(redis, other, 'from another build', secret);
  const [copied] = (await redis.xrange(buildLogKey(other), '-', '+'))[0]![1].slice(1);
  await publishLine(redis, build, 'real line', secret);
  await redis.xadd(buildLogKey(build), '*', 'line', 'unsigned line');
  await redis.xadd(buildLogKey(build), '*', 'line', sign(`${build}\nline\nwrong key`, 'w'.repeat(40)));
  await redis.xadd(buildLogKey(build), '*', 'line', copied!);
  // A signed line passed off as the outcome, and an unsigned outcome: neither ends the log.
  await redis.xadd(buildLogKey(build), '*', 'end', sign(`${build}\nline\n{"status":"failed","failure":"forged"}`, secret));
  await redis.xadd(buildLogKey(build), '*', 'end', JSON.stringify({ status: 'failed', failure: 'forged' }));
  await publishLine(redis, build, 'second real line', secret);
  await publishEnd(redis, build, { status: 'succeeded', releaseVersion: 3, image: 'x:build-1' }, secret);

  const want: BuildLogEvent[] = [
    { type: 'line', line: 'real line' },
    { type: 'line', line: DROPPED_ENTRY_WARNING },
    { type: 'line', line: 'second real line' },
    { type: 'end', status: 'succeeded', releaseVersion: 3, image: 'x:build-1' },
  ];
  assert.deepEqual(await events(build, secret), want);
  // A second follower (another client, a reconnect) reads the same entries again and gets the same.
  assert.deepEqual(await events(build, secret), want);
});

test('without a secret (a platform that has none) entries are written and read as plain text', async () => {
  await publishLine(redis, plain, 'hello');
  await publishEnd(redis, plain, { status: 'failed', failure: 'boom' });
  assert.deepEqual(await redis.xrange(buildLogKey(plain), '-', '+').then((r) => r.map(([, f]) => f)), [['line', 'hello'], ['end', '{"status":"failed","failure":"boom"}']]);
  assert.deepEqual(await events(plain), [{ type: 'line', line: 'hello' }, { type: 'end', status: 'failed', failure: 'boom' }]);
});

test('a builder without the secret: the follower is told once that entries were dropped, and still ends with the recorded outcome', async () => {
  await publishLine(redis, mismatched, 'line one');
  await publishLine(redis, mismatched, 'line two');
  await publishEnd(redis, mismatched, { status: 'succeeded', releaseVersion: 2, image: 'x:build-2' });
  let asked = 0;
  const settled = async () => (++asked > 1 ? { status: 'succeeded' as const, releaseVersion: 2, image: 'x:build-2' } : null);
  const out: BuildLogEvent[] = [];
  for await (const e of followBuildLog(redis, mismatched, secret, { blockMs: 100, settled })) out.push(e);
  assert.deepEqual(out, [{ type: 'line', line: DROPPED_ENTRY_WARNING }, { type: 'end', status: 'succeeded', releaseVersion: 2, image: 'x:build-2' }]);
});

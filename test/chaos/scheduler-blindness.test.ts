import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createLogger } from '@slipway/core';
import { createDb, type Db } from '@slipway/db';
import { Scheduler } from '../../apps/scheduler/src/scheduler.ts';
import { defaultPolicy } from '../../apps/scheduler/src/model.ts';
import { BLIND_UNTIL_KEY } from '../../apps/scheduler/src/channels.ts';
import { startApi, client, type TestApi } from '../support/api-server.ts';
import { privatePostgres, type PrivatePostgres } from '../support/private-postgres.ts';
import { run, sleep, waitFor } from '../cluster/harness/exec.ts';

// The real API and scheduler over a Postgres and a Redis of this test's own, with three nodes whose
// heartbeats go through the API (the agents' loop without Docker). The database is stopped, nodes fall silent.
const policy = { ...defaultPolicy, heartbeatTimeoutMs: 2_000 };
const redisPort = 20_000 + Math.floor(Math.random() * 20_000);
const joinToken = randomBytes(24).toString('base64url');
let pg: PrivatePostgres;
let redisServer: ChildProcess;
let api: TestApi;
let db: Db;
let scheduler: Scheduler;
const redisClients: Redis[] = [];
const beating = new Map<string, boolean>();
let stopBeats = false;
const beats: Promise<void>[] = [];

async function heartbeatLoop(credential: string, name: string): Promise<void> {
  const call = client(api.url, credential);
  while (!stopBeats) {
    if (beating.get(name)) await call('POST', '/v1/agent/heartbeat', { memoryMb: 1024, cpus: 1, containers: [] }).catch(() => undefined);
    await sleep(300);
  }
}
const statuses = async () => Object.fromEntries((await db.node.findMany({ orderBy: { name: 'asc' } })).map((n) => [n.name, n.status]));
/** Samples node statuses for `ms`; returns every status seen per node. */
async function watch(ms: number): Promise<Record<string, string[]>> {
  const seen: Record<string, Set<string>> = {};
  const until = Date.now() + ms;
  while (Date.now() < until) {
    for (const [name, status] of Object.entries(await statuses().catch(() => ({})))) (seen[name] ??= new Set()).add(status);
    await sleep(200);
  }
  return Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, [...v].sort()]));
}

before(async () => {
  pg = await privatePostgres();
  redisServer = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitFor('private redis', async () => (await run('redis-cli', ['-p', String(redisPort), 'ping'], true)).includes('PONG'), 15_000);
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  api = await startApi({ REDIS_URL: redisUrl, SLIPWAY_JOIN_TOKEN: joinToken }, pg.url);
  db = createDb(api.deps.config.DATABASE_URL);
  for (const name of ['n1', 'n2', 'n3']) {
    const reg = await client(api.url)('POST', '/v1/agent/register', { joinToken, name, address: '127.0.0.1', memoryMb: 1024, cpus: 1 });
    assert.equal(reg.status, 201);
    beating.set(name, true);
    beats.push(heartbeatLoop(reg.body.credential, name));
  }
  const [r1, r2] = [new Redis(redisUrl), new Redis(redisUrl)];
  redisClients.push(r1, r2);
  scheduler = new Scheduler({ db, redis: r1, subscriber: r2, log: createLogger('scheduler', 'silent'), policy, appsDomain: 'test.localhost', tickMs: 300, leaseMs: 3_000 });
  await scheduler.start();
  await waitFor('three ready nodes', async () => Object.values(await statuses()).filter((s) => s === 'ready').length === 3, 10_000);
});

after(async () => {
  stopBeats = true;
  await Promise.all(beats);
  await pg.start().catch(() => {});
  await scheduler?.stop();
  for (const r of redisClients) r.disconnect();
  await db?.$disconnect();
  await api?.stop();
  redisServer?.kill('SIGKILL');
  await pg?.destroy();
});

test('a database outage three times the heartbeat timeout marks no node down, whatever order the nodes come back in', async () => {
  await pg.stop();
  beating.set('n2', false);
  beating.set('n3', false);
  await sleep(3 * policy.heartbeatTimeoutMs);
  await pg.start();
  // The nodes return one by one (agents back off): once n1 and n2 are heard, n3 alone looks silent,
  // which is no full disruption. Its silence began while the control plane was blind, so it counts from the recovery.
  const watching = watch(2 * policy.heartbeatTimeoutMs);
  await sleep(1_000);
  beating.set('n2', true);
  await sleep(500);
  beating.set('n3', true);
  assert.deepEqual(await watching, { n1: ['ready'], n2: ['ready'], n3: ['ready'] });
});

test('one node silent while the control plane listens is marked down, and is ready again when it answers', async () => {
  beating.set('n3', false);
  const silentAt = Date.now();
  await waitFor('n3 down', async () => (await statuses()).n3 === 'down', 10_000, 100);
  const took = Date.now() - silentAt;
  // Its last heartbeat was up to one beat (300 ms) before it was stopped.
  assert.ok(took >= policy.heartbeatTimeoutMs - 400 && took < policy.heartbeatTimeoutMs + 3_000, `marked down after ${took} ms`);
  assert.deepEqual(await statuses(), { n1: 'ready', n2: 'ready', n3: 'down' });
  beating.set('n3', true);
  await waitFor('n3 ready again', async () => (await statuses()).n3 === 'ready', 5_000, 100);
});

test('most nodes silent at once is a full disruption: nothing is marked down', async () => {
  beating.set('n2', false);
  beating.set('n3', false);
  const seen = await watch(3 * policy.heartbeatTimeoutMs);
  beating.set('n2', true);
  beating.set('n3', true);
  await sleep(1_000);
  assert.deepEqual(seen, { n1: ['ready'], n2: ['ready'], n3: ['ready'] });
});

test('a scheduler that was not leader gives every node a fresh grace when it takes over', async () => {
  await scheduler.stop();
  beating.set('n1', false);
  await sleep(2 * policy.heartbeatTimeoutMs);
  const [r1, r2] = [new Redis(`redis://127.0.0.1:${redisPort}`), new Redis(`redis://127.0.0.1:${redisPort}`)];
  redisClients.push(r1, r2);
  scheduler = new Scheduler({ db, redis: r1, subscriber: r2, log: createLogger('scheduler', 'silent'), policy, appsDomain: 'test.localhost', tickMs: 300, leaseMs: 3_000 });
  await scheduler.start();
  const startedAt = Date.now();
  // n1 has been silent for 4 s, but the new leader heard nothing of that: it waits a whole timeout.
  assert.deepEqual((await watch(policy.heartbeatTimeoutMs - 500)).n1, ['ready']);
  await waitFor('n1 down a timeout after the takeover', async () => (await statuses()).n1 === 'down', 5_000, 100);
  assert.ok(Date.now() - startedAt >= policy.heartbeatTimeoutMs);
  beating.set('n1', true);
});

test('a heartbeat the API dropped for its own fault (slipway:cp:blind-until) restarts the grace of every node', async () => {
  await waitFor('all ready', async () => Object.values(await statuses()).every((s) => s === 'ready'), 5_000).catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await statuses())}`); });
  beating.set('n3', false);
  await sleep(1_500);
  // What the API writes when its database refuses a heartbeat (agents/router.ts).
  const markedAt = Date.now();
  await redisClients[0]!.set(BLIND_UNTIL_KEY, String(markedAt));
  await waitFor('n3 down', async () => (await statuses()).n3 === 'down', 10_000, 100);
  const after = Date.now() - markedAt;
  assert.ok(after >= policy.heartbeatTimeoutMs, `n3 marked down ${after} ms after the mark: its silence counts from the mark`);
  beating.set('n3', true);
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { type Tenant } from './harness.ts';
import { world } from './world.ts';

// Issue 14, holes 6 and 9: alice attacks the shared add-on servers with her own add-ons'
// credentials, from outside, while bob uses his as an app would.
// The platform inherits this: the broker's usage watch runs every second instead of every 30.
process.env.ADDONS_WATCH_INTERVAL_MS = '1000';

interface AddonVars {
  redisUrl: string;
  prefix: string;
  databaseUrl: string;
  redisAddon: string;
}

/** An app (no release needed) with a Redis and a Postgres add-on, made through the CLI as `t`. */
async function appWithAddons(t: Tenant, base: string): Promise<AddonVars> {
  const app = world.appName(base);
  await t.shell.ok(['apps:create', app]);
  await t.shell.ok(['addons:create', 'redis', '-a', app], 180_000);
  await t.shell.ok(['addons:create', 'postgres', '-a', app], 180_000);
  const vars = JSON.parse(await t.shell.ok(['config', '-a', app, '--json'])) as Record<string, string>;
  const addons = JSON.parse(await t.shell.ok(['addons', '-a', app, '--json'])) as { name: string; service: string }[];
  return {
    redisUrl: vars.REDIS_URL!,
    prefix: vars.REDIS_KEY_PREFIX!,
    databaseUrl: vars.DATABASE_URL!,
    redisAddon: addons.find((a) => a.service === 'redis')!.name,
  };
}

const clients: Redis[] = [];
function redis(url: string, keyPrefix?: string): Redis {
  // enableReadyCheck: false, as README tells tenants: INFO is not theirs to run.
  const c = new Redis(url, { keyPrefix, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
}

async function pgQuery(url: string, sql: string): Promise<{ ok: true; rows: Record<string, unknown>[] } | { ok: false; error: string }> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return { ok: true, rows: (await c.query(sql)).rows };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function eventually(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function attacks(): void {
  describe('outsider: add-ons on the shared servers', { timeout: 900_000 }, () => {
    let alice: AddonVars;
    let bob: AddonVars;
    before(async () => {
      [alice, bob] = await Promise.all([appWithAddons(world.alice, 'adn-a'), appWithAddons(world.bob, 'adn-b')]);
    });
    after(async () => {
      for (const c of clients) c.disconnect();
    });

    test("redis: alice cannot observe bob's keys, the server's state, or anyone's traffic", async () => {
      const a = redis(alice.redisUrl);
      const b = redis(bob.redisUrl, bob.prefix);
      await Promise.all([a.connect(), b.connect()]);

      // Hole 6: tracking in broadcast mode used to report every key name written on the server.
      await assert.rejects(a.call('CLIENT', 'TRACKING', 'on', 'BCAST'), /NOPERM/);
      await assert.rejects(a.call('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', bob.prefix), /NOPERM/);
      await b.set('session:42', 'bob-data');
      for (const cmd of [
        ['INFO'], ['INFO', 'keyspace'], ['INFO', 'commandstats'], ['KEYS', '*'], ['SCAN', '0', 'MATCH', `${bob.prefix}*`], ['RANDOMKEY'], ['DBSIZE'],
        ['MONITOR'], ['CONFIG', 'GET', '*'], ['CLIENT', 'LIST'], ['PUBSUB', 'CHANNELS'], ['OBJECT', 'FREQ', `${bob.prefix}session:42`],
        ['MEMORY', 'USAGE', `${bob.prefix}session:42`], ['GET', `${bob.prefix}session:42`], ['FLUSHALL'], ['SELECT', '1'], ['FUNCTION', 'LIST'],
      ]) {
        await assert.rejects(a.call(cmd[0]!, ...cmd.slice(1)), /NOPERM/, `${cmd.join(' ')} must be refused`);
      }
      const listener = redis(alice.redisUrl);
      await listener.connect();
      await assert.rejects(listener.psubscribe('*'), /NOPERM/, "a pattern over everyone's channels");
      assert.equal(await b.get('session:42'), 'bob-data');
    });

    test('redis: no tenant fills the server; over its quota alice may only read and delete', async () => {
      const a = redis(alice.redisUrl, alice.prefix);
      await a.connect();
      // Hole 6: a 100 MB value used to be accepted. Now no value may exceed the 25 MB quota.
      await assert.rejects(a.set('huge', Buffer.alloc(100 * 1024 * 1024)));

      const writer = redis(alice.redisUrl, alice.prefix);
      await writer.connect();
      const chunk = Buffer.alloc(4 * 1024 * 1024, 7);
      // 7 x 4 MB is over the quota; the watch (every second here) may stop her before the last.
      for (let i = 0; i < 7; i++) {
        const stopped = await writer.set(`blob:${i}`, chunk).then(() => false, (e: Error) => /NOPERM/.test(e.message) || Promise.reject(e));
        if (stopped) break;
      }
      await eventually('writes stopped by the usage watch', async () => (await writer.set('probe', '1').then(() => false, (e: Error) => /NOPERM/.test(e.message))));
      const info = await world.alice.shell.ok(['addons:info', alice.redisAddon]);
      assert.match(info, /over quota/, info);
      assert.equal((await writer.getBuffer('blob:3'))?.length, chunk.length, 'reads still work');

      const b = redis(bob.redisUrl, bob.prefix);
      await b.connect();
      assert.equal(await b.set('still', 'writing'), 'OK', "bob's writes are unaffected");

      assert.equal(await writer.del('blob:0', 'blob:1', 'blob:2', 'blob:3'), 4, 'she can free space');
      await eventually('writes allowed again', async () => (await writer.set('probe', '1').then(() => true, () => false)));
      assert.doesNotMatch(await world.alice.shell.ok(['addons:info', alice.redisAddon]), /over quota/);
    });

    test("redis: bob's own use works: keys, pub/sub and a BullMQ queue on his prefix", async () => {
      const b = redis(bob.redisUrl, bob.prefix);
      const sub = redis(bob.redisUrl);
      await Promise.all([b.connect(), sub.connect()]);
      await b.set('greeting', 'hello');
      assert.equal(await b.get('greeting'), 'hello');
      await sub.subscribe(`${bob.prefix}news`);
      const heard = new Promise<string>((resolve) => sub.once('message', (_c, m: string) => resolve(m)));
      await b.publish(`${bob.prefix}news`, 'extra');
      assert.equal(await heard, 'extra');

      const connection = { url: bob.redisUrl, maxRetriesPerRequest: null, enableReadyCheck: false };
      const prefix = bob.prefix.slice(0, -1); // BullMQ adds the ':'
      const queue = new Queue('jobs', { connection, prefix, skipVersionCheck: true });
      let worker: Worker | undefined;
      try {
        const done = new Promise<unknown>((resolve, reject) => {
          worker = new Worker('jobs', async (job) => (job.data as { n: number }).n + 1, { connection, prefix, skipVersionCheck: true });
          worker.on('completed', (_j, r) => resolve(r));
          worker.on('failed', (_j, e) => reject(e));
        });
        await queue.add('inc', { n: 41 });
        assert.equal(await done, 42);
      } finally {
        await worker?.close();
        await queue.close();
      }
    });

    test("postgres: alice cannot watch bob's sessions, open his database, or take every connection", async () => {
      const bobSession = new pg.Client({ connectionString: bob.databaseUrl });
      await bobSession.connect();
      try {
        for (const sql of ['SELECT * FROM pg_stat_activity', 'SELECT * FROM pg_stat_get_activity(NULL)', 'SELECT * FROM pg_locks', 'SELECT * FROM pg_stat_database']) {
          const seen = await pgQuery(alice.databaseUrl, sql);
          assert.equal(seen.ok, false, `${sql} must be refused`);
        }
      } finally {
        await bobSession.end();
      }
      const intoBob = new URL(alice.databaseUrl);
      intoBob.pathname = new URL(bob.databaseUrl).pathname;
      assert.equal((await pgQuery(intoBob.toString(), 'SELECT 1')).ok, false, "her login cannot open bob's database");

      // Hole 9: no connection limit against the server's 100.
      const held: pg.Client[] = [];
      try {
        for (let i = 0; i < 20; i++) {
          const c = new pg.Client({ connectionString: alice.databaseUrl });
          await c.connect();
          held.push(c);
        }
        const extra = await pgQuery(alice.databaseUrl, 'SELECT 1');
        assert.equal(extra.ok, false);
        assert.match(extra.ok ? '' : extra.error, /too many connections/);
        assert.equal((await pgQuery(bob.databaseUrl, 'SELECT 1')).ok, true, 'bob still connects');
      } finally {
        await Promise.all(held.map((c) => c.end()));
      }
    });

    test('postgres: a password alice sets on her own role is replaced by the one her app was given', async () => {
      assert.equal((await pgQuery(alice.databaseUrl, "ALTER ROLE CURRENT_USER PASSWORD 'mine-now-123'")).ok, true);
      const own = new URL(alice.databaseUrl);
      own.password = 'mine-now-123';
      await eventually('stored URL restored', async () => (await pgQuery(alice.databaseUrl, 'SELECT 1')).ok);
      assert.equal((await pgQuery(own.toString(), 'SELECT 1')).ok, false);
    });

    test("postgres: bob's own use works, psql included", async () => {
      const made = await pgQuery(bob.databaseUrl, "CREATE TABLE notes (id serial PRIMARY KEY, body text); INSERT INTO notes (body) VALUES ('hi')");
      assert.equal(made.ok, true, made.ok ? '' : made.error);
      assert.deepEqual(await pgQuery(bob.databaseUrl, 'SELECT body FROM notes'), { ok: true, rows: [{ body: 'hi' }] });
      assert.match(execFileSync('psql', [bob.databaseUrl, '-X', '-c', '\\dt'], { encoding: 'utf8' }), /notes/);
    });
  });
}

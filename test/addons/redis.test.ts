import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { Queue, Worker } from 'bullmq';
import { addonServers, startHarness, type AdminUrls, type Harness } from './harness.ts';

describe('redis add-ons on the managed server', { timeout: 180_000 }, () => {
  let admin: AdminUrls;
  let h: Harness;
  const clients: Redis[] = [];
  before(async () => {
    admin = addonServers();
    h = await startHarness(admin);
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    await h?.close();
  });

  async function provisionFor(appName: string): Promise<{ id: string; url: string; prefix: string }> {
    const appId = await h.newApp(appName);
    const { id } = await h.broker.service.provision({ teamId: h.teamId, spec: 'redis', attach: { appId } });
    const ready = await h.waitFor(id, ['available', 'failed']);
    assert.equal(ready.state, 'available', ready.failure ?? '');
    const vars = await h.broker.service.configVarsForApp(appId);
    assert.ok(vars.REDIS_URL && vars.REDIS_KEY_PREFIX, 'REDIS_URL and REDIS_KEY_PREFIX are set');
    return { id, url: vars.REDIS_URL, prefix: vars.REDIS_KEY_PREFIX };
  }

  const connect = (url: string, keyPrefix?: string): Redis => {
    const c = new Redis(url, { keyPrefix, maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };

  /** The server's answer to logging in with `url` (ioredis reports it as an 'error' event). */
  async function loginError(url: string): Promise<string> {
    const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    const first = new Promise<string>((resolve) => c.once('error', (e: Error) => resolve(e.message)));
    await c.connect().catch(() => undefined);
    c.disconnect();
    return first;
  }

  test("A's credentials cannot read or write B's keys", async () => {
    const a = await provisionFor('app-a');
    const b = await provisionFor('app-b');
    const bApp = connect(b.url, b.prefix);
    await bApp.connect();
    await bApp.set('secret', 'b-data');
    await bApp.publish(`${b.prefix}events`, 'ping'); // ioredis keyPrefix covers keys, not channels

    const aRaw = connect(a.url);
    await aRaw.connect();
    await assert.rejects(aRaw.get(`${b.prefix}secret`), /NOPERM/);
    await assert.rejects(aRaw.set(`${b.prefix}secret`, 'overwritten'), /NOPERM/);
    await assert.rejects(aRaw.del(`${b.prefix}secret`), /NOPERM/);
    await assert.rejects(aRaw.eval(`return redis.call('GET', KEYS[1])`, 1, `${b.prefix}secret`), /NOPERM|No permissions|can't run this command/);
    await assert.rejects(aRaw.publish(`${b.prefix}events`, 'spoof'), /NOPERM/);
    await assert.rejects(aRaw.call('SELECT', '1'), /NOPERM/);
    // Whole-server views and side channels (issue 14, hole 6), and ways out of db 0 where quotas are counted.
    const denied = [
      ['INFO'], ['INFO', 'keyspace'], ['INFO', 'commandstats'], ['CLIENT', 'TRACKING', 'on', 'BCAST'], ['CLIENT', 'LIST'], ['CLIENT', 'INFO'],
      ['CLIENT', 'KILL', 'ID', '1'], ['CLIENT', 'NO-EVICT', 'on'], ['MONITOR'], ['CONFIG', 'GET', '*'], ['CONFIG', 'SET', 'maxmemory', '0'], ['DEBUG', 'OBJECT', `${b.prefix}secret`],
      ['KEYS', '*'], ['SCAN', '0'], ['RANDOMKEY'], ['DBSIZE'], ['FLUSHALL'], ['FLUSHDB'], ['SWAPDB', '0', '1'], ['WAIT', '0', '0'], ['ACL', 'LIST'],
      ['PUBSUB', 'CHANNELS'], ['PUBSUB', 'NUMSUB', `${b.prefix}events`], ['OBJECT', 'ENCODING', `${b.prefix}secret`], ['MEMORY', 'USAGE', `${b.prefix}secret`],
      ['MEMORY', 'STATS'], ['FUNCTION', 'LIST'], ['SCRIPT', 'FLUSH'], ['SCRIPT', 'DEBUG', 'yes'], ['COPY', `${a.prefix}x`, `${a.prefix}y`, 'DB', '1'],
      ['MOVE', `${a.prefix}x`, '1'], ['SORT', `${a.prefix}x`, 'BY', `${b.prefix}*`], ['LATENCY', 'LATEST'], ['SLOWLOG', 'GET'], ['LASTSAVE'],
    ];
    for (const cmd of denied) {
      // DEBUG is also off server-wide, which Redis checks first.
      await assert.rejects(aRaw.call(cmd[0]!, ...cmd.slice(1)), /NOPERM|DEBUG command not allowed/, `${cmd.join(' ')} must be denied`);
    }
    await assert.rejects(aRaw.eval(`return redis.call('INFO')`, 0), /NOPERM|No permissions|can't run this command/, 'nor from a script');
    const subscriber = connect(a.url);
    await subscriber.connect();
    await assert.rejects(subscriber.psubscribe('*'), /NOPERM/, 'a pattern must stay within its own channels');
    await assert.rejects(subscriber.subscribe(`${b.prefix}events`), /NOPERM/);
    assert.equal(await bApp.get('secret'), 'b-data', "B's data is untouched");

    // Ordinary use through a key prefix works, including Lua and pub/sub on own channels.
    const aApp = connect(a.url, a.prefix);
    await aApp.connect();
    await aApp.set('counter', '1');
    assert.equal(await aApp.incr('counter'), 2);
    assert.equal(await aApp.eval(`return redis.call('GET', KEYS[1])`, 1, 'counter'), '2');
    assert.equal(await aRaw.publish(`${a.prefix}events`, 'hello'), 0);
    await subscriber.psubscribe(`${a.prefix}*`);
    const heard = new Promise<string>((resolve) => subscriber.once('pmessage', (_p, _c, message: string) => resolve(message)));
    await aRaw.publish(`${a.prefix}events`, 'to-myself');
    assert.equal(await heard, 'to-myself');
    assert.ok(Number(await aRaw.call('MEMORY', 'USAGE', `${a.prefix}counter`)) > 0, 'MEMORY USAGE of its own keys');
    assert.equal(await aRaw.call('CLIENT', 'SETNAME', 'web-1'), 'OK', 'clients may name their own connection');

    assert.match(await loginError(a.url.replace(/:[^:@]+@/, ':wrong@')), /WRONGPASS/);
    assert.match(await loginError(`redis://${new URL(a.url).host}`), /NOAUTH/, 'the default user is off');
  });

  test('BullMQ runs on an add-on with its prefix', async () => {
    const a = await provisionFor('app-bull');
    // INFO is not granted to tenants: BullMQ must not read the server version from it.
    const connection = { url: a.url, maxRetriesPerRequest: null, enableReadyCheck: false };
    const prefix = a.prefix.slice(0, -1); // BullMQ adds the ':'
    const queue = new Queue('work', { connection, prefix, skipVersionCheck: true });
    let worker: Worker | undefined;
    try {
      const done = new Promise<unknown>((resolve, reject) => {
        worker = new Worker('work', async (job) => (job.data as { n: number }).n * 2, { connection, prefix, skipVersionCheck: true });
        worker.on('completed', (_job, result) => resolve(result));
        worker.on('failed', (_job, err) => reject(err));
      });
      await queue.add('double', { n: 21 });
      assert.equal(await done, 42);
    } finally {
      await worker?.close();
      await queue.close();
    }
  });

  test('over its quota an add-on may read and delete but not write, until it is back under', async () => {
    const a = await provisionFor('app-quota');
    const b = await provisionFor('app-quota-neighbour');
    const app = connect(a.url, a.prefix);
    const neighbour = connect(b.url, b.prefix);
    await Promise.all([app.connect(), neighbour.connect()]);

    // No single value may exceed the plan's quota: the server refuses it outright.
    const big = connect(a.url, a.prefix);
    await big.connect();
    await assert.rejects(big.set('huge', Buffer.alloc(30 * 1024 * 1024)), 'a 30 MB value is refused');

    const chunk = Buffer.alloc(4 * 1024 * 1024, 1);
    for (let i = 0; i < 7; i++) await app.set(`blob:${i}`, chunk); // 28 MB: over the 25 MB quota
    await h.broker.watch.runOnce();
    const over = await h.broker.service.get(a.id);
    assert.equal(over.usage?.overQuota, true);
    assert.ok((over.usage?.bytes ?? 0) > 25 * 1024 * 1024, `usage ${over.usage?.bytes}`);
    assert.equal(over.usage?.quotaBytes, 25 * 1024 * 1024);

    await assert.rejects(app.set('more', 'x'), /NOPERM/);
    await assert.rejects(app.append('blob:0', 'x'), /NOPERM/);
    await assert.rejects(app.eval(`return redis.call('SET', KEYS[1], 'x')`, 1, 'more'), /NOPERM|No permissions|can't run this command/, 'nor through a script');
    assert.equal((await app.getBuffer('blob:1'))?.length, chunk.length, 'it can still read');
    await neighbour.set('fine', 'yes');
    assert.equal(await neighbour.get('fine'), 'yes', 'its neighbour writes as usual');

    // A new password must not lift the stop.
    await h.broker.service.rotateCredentials(a.id);
    await assert.rejects(app.set('more', 'x'), /NOPERM/);

    assert.equal(await app.del('blob:0', 'blob:1', 'blob:2'), 3, 'it can free space');
    await h.broker.watch.runOnce();
    const under = await h.broker.service.get(a.id);
    assert.equal(under.usage?.overQuota, false);
    assert.equal(await app.set('more', 'x'), 'OK', 'writes are back');
  });

  test("the watch's first look brings a user made by an earlier version under the current rules", async () => {
    const a = await provisionFor('app-old-rules');
    const adminClient = connect(admin.redis);
    await adminClient.connect();
    const user = new URL(a.url).username;
    // The rules add-ons had before issue 14: everything but the admin and dangerous categories.
    await adminClient.call('ACL', 'SETUSER', user, 'nocommands', '+@all', '-@admin', '-@dangerous', '+info');
    const app = connect(a.url);
    await app.connect();
    assert.match(String(await app.call('INFO', 'server')), /redis_version/);
    await h.broker.watch.runOnce();
    await assert.rejects(app.call('INFO'), /NOPERM/, 'an open connection loses it at once');
    await assert.rejects(app.call('CLIENT', 'TRACKING', 'on', 'BCAST'), /NOPERM/);
    assert.equal(await app.set(`${a.prefix}k`, 'v'), 'OK', 'its password and keys are kept');
  });

  test('destroy deletes the user and its keys and disconnects it; repeating is harmless', async () => {
    const a = await provisionFor('app-destroy');
    const app = connect(a.url, a.prefix);
    await app.connect();
    await app.mset('k1', 'v', 'k2', 'v');
    await h.broker.service.deprovision(a.id);
    assert.equal((await h.waitFor(a.id, ['deprovisioned', 'failed'])).state, 'deprovisioned');
    await assert.rejects(app.get('k1'), 'the open connection was closed');
    assert.match(await loginError(a.url), /WRONGPASS/);

    const adminClient = connect(admin.redis);
    await adminClient.connect();
    assert.deepEqual(await adminClient.keys(`${a.prefix}*`), []);
    assert.equal(await adminClient.call('ACL', 'GETUSER', new URL(a.url).username), null);
    assert.equal((await h.broker.service.deprovision(a.id)).addon.state, 'deprovisioned');
  });
});

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createLogger } from './logger.ts';
import { watchRedisLoss, type MarkerStore } from './redis-loss.ts';

const log = createLogger('test', 'silent');

/** An in-memory Redis with the marker calls only; `down` makes every call fail like a lost connection. */
class FakeStore implements MarkerStore {
  readonly keys = new Map<string, string>();
  down = false;
  async exists(key: string) {
    if (this.down) throw new Error('ECONNREFUSED');
    return this.keys.has(key) ? 1 : 0;
  }
  async set(key: string, value: string) {
    if (this.down) throw new Error('ECONNREFUSED');
    this.keys.set(key, value);
  }
}

it('restores at the first check, not again while the marker stays, and again once Redis lost it', async () => {
  const store = new FakeStore();
  let restores = 0;
  const w = watchRedisLoss(store, 'm', async () => { restores++; }, { everyMs: 60_000, log, what: 'test' });
  await w.check();
  await w.check();
  assert.equal(restores, 1);
  store.keys.clear(); // restarted empty
  await w.check();
  assert.equal(restores, 2);
  w.stop();
});

it('leaves the marker unset when the restore fails (database down), so the next check tries again', async () => {
  const store = new FakeStore();
  let fail = true;
  let restores = 0;
  const w = watchRedisLoss(store, 'm', async () => { restores++; if (fail) throw new Error('database unavailable'); }, { everyMs: 60_000, log, what: 'test' });
  await w.check();
  assert.equal(store.keys.has('m'), false);
  fail = false;
  await w.check();
  assert.equal(restores, 2);
  assert.equal(store.keys.has('m'), true);
  w.stop();
});

it('survives Redis being unreachable and runs one restore at a time', async () => {
  const store = new FakeStore();
  store.down = true;
  let restores = 0;
  let release = () => {};
  const w = watchRedisLoss(store, 'm', () => { restores++; return new Promise<void>((r) => { release = r; }); }, { everyMs: 60_000, log, what: 'test' });
  await w.check();
  assert.equal(restores, 0);
  store.down = false;
  const a = w.check();
  const b = w.check();
  await new Promise((r) => setImmediate(r));
  release();
  await Promise.all([a, b]);
  assert.equal(restores, 1);
  w.stop();
});

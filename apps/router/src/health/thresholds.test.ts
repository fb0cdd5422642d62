import assert from 'node:assert/strict';
import { it } from 'node:test';
import { initialHealth, nextHealth } from './thresholds.ts';
import { isEjected, newPassiveState, recordOutcome } from './passive.ts';

const t = { healthyThreshold: 2, unhealthyThreshold: 3 };
const run = (results: boolean[]) => results.reduce((s, ok) => nextHealth(s, ok, t), initialHealth);

it('flips to unhealthy only after unhealthyThreshold failures in a row', () => {
  assert.equal(run([false, false]).healthy, true);
  assert.equal(run([false, false, true, false, false]).healthy, true);
  assert.equal(run([false, false, false]).healthy, false);
});

it('comes back after healthyThreshold successes in a row', () => {
  assert.equal(run([false, false, false, true]).healthy, false);
  assert.equal(run([false, false, false, true, false, true]).healthy, false);
  assert.equal(run([false, false, false, true, true]).healthy, true);
});

it('passive: ejects on a refused connection at once and after a 5xx burst, for ejectMs', () => {
  const p = { after5xx: 3, ejectMs: 1000 };
  const s = newPassiveState();
  assert.equal(recordOutcome(s, '5xx', 0, p), false);
  assert.equal(recordOutcome(s, 'ok', 0, p), false);
  recordOutcome(s, '5xx', 0, p);
  recordOutcome(s, '5xx', 0, p);
  assert.equal(recordOutcome(s, '5xx', 10, p), true);
  assert.ok(isEjected(s, 500));
  assert.ok(!isEjected(s, 1010));
  const d = newPassiveState();
  assert.equal(recordOutcome(d, 'connect', 0, p), true);
  assert.equal(d.reason, 'connect');
});

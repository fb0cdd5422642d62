import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isEjected, newPassiveState, recordOutcome } from './passive.ts';

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

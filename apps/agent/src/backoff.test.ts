import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heartbeatDelayMs } from './backoff.ts';

const range = (interval: number, failures: number): [number, number] => {
  const seen = Array.from({ length: 200 }, () => heartbeatDelayMs(interval, failures));
  return [Math.min(...seen), Math.max(...seen)];
};

test('a healthy agent beats on its interval', () => {
  assert.equal(heartbeatDelayMs(500, 0), 500);
});

test('failures double the wait, with jitter, capped at 2 s (±20%) so a node is heard within the scheduler grace once the control plane is back', () => {
  const [lo1, hi1] = range(500, 1);
  assert.ok(lo1 >= 800 && hi1 <= 1_200, `${lo1}..${hi1}`);
  for (const failures of [3, 10, 100]) {
    const [lo, hi] = range(500, failures);
    assert.ok(lo >= 1_600 && hi <= 2_400, `${failures} failures: ${lo}..${hi}`);
  }
});

test('an interval longer than the cap is kept', () => {
  const [lo, hi] = range(5_000, 4);
  assert.ok(lo >= 4_000 && hi <= 6_000, `${lo}..${hi}`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideCron, CRON_MAX_LATENESS_MS } from './cron-plan.ts';

const at = (iso: string) => new Date(iso);
const idle = { lastSlot: null, running: false };

test('the latest slot at or before now is due once, in UTC', () => {
  const since = at('2026-03-01T10:00:30Z');
  assert.equal(decideCron('*/5 * * * *', idle, since, at('2026-03-01T10:04:59Z')), null, 'no slot since the release came out');
  assert.deepEqual(decideCron('*/5 * * * *', idle, since, at('2026-03-01T10:05:00Z')), { slot: at('2026-03-01T10:05:00Z'), action: 'run' });
  assert.deepEqual(decideCron('*/5 * * * *', idle, since, at('2026-03-01T10:07:12Z')), { slot: at('2026-03-01T10:05:00Z'), action: 'run' });
  assert.equal(decideCron('*/5 * * * *', { lastSlot: at('2026-03-01T10:05:00Z'), running: false }, since, at('2026-03-01T10:09:59Z')), null, 'recorded: not again');
  // "0 3 * * *" is 03:00 UTC whatever the machine's zone.
  assert.deepEqual(decideCron('0 3 * * *', idle, at('2026-03-01T00:00:00Z'), at('2026-03-01T03:00:01Z')), { slot: at('2026-03-01T03:00:00Z'), action: 'run' });
  assert.deepEqual(decideCron('@daily', idle, at('2026-03-01T12:00:00Z'), at('2026-03-02T00:00:10Z'))?.slot, at('2026-03-02T00:00:00Z'));
});

test('after an outage only the latest missed slot runs, and one missed by too long not at all', () => {
  const last = { lastSlot: at('2026-03-01T10:00:00Z'), running: false };
  assert.deepEqual(decideCron('* * * * *', last, at('2026-03-01T09:00:00Z'), at('2026-03-01T10:42:30Z')), { slot: at('2026-03-01T10:42:00Z'), action: 'run' });
  const late = new Date(at('2026-03-01T03:00:00Z').getTime() + CRON_MAX_LATENESS_MS + 1000);
  assert.equal(decideCron('0 3 * * *', idle, at('2026-03-01T00:00:00Z'), late), null);
});

test('a slot that comes while the previous run is still going is skipped (recorded, not run)', () => {
  const busy = { lastSlot: at('2026-03-01T10:00:00Z'), running: true };
  assert.deepEqual(decideCron('*/5 * * * *', busy, at('2026-03-01T09:00:00Z'), at('2026-03-01T10:05:01Z')), { slot: at('2026-03-01T10:05:00Z'), action: 'skip' });
  assert.equal(decideCron('*/5 * * * *', busy, at('2026-03-01T09:00:00Z'), at('2026-03-01T10:04:00Z')), null, 'nothing due: nothing to skip');
});

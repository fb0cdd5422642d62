import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeReason } from './redact.ts';

test('masks known secrets and URL passwords', () => {
  assert.equal(safeReason(new Error('bad s3cret here'), ['s3cret']), 'bad [redacted] here');
  assert.equal(safeReason(new Error('cannot open redis://u:pw@h:1'), []), 'cannot open redis://u:[redacted]@h:1');
  assert.equal(safeReason('plain', []), 'plain');
  assert.equal(safeReason(new Error('x'.repeat(900)), []).length, 500);
});

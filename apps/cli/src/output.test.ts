import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDate, keyValues, shellQuote, table } from './output.ts';

test('tables align columns and keep the last one unpadded', () => {
  const rows = [{ n: 'shop', t: 'admin' }, { n: 'a-longer-name', t: 'x' }];
  assert.equal(
    table(rows, [{ header: 'Name', value: (r) => r.n }, { header: 'Team', value: (r) => r.t }]),
    'Name           Team\n─────────────  ─────\nshop           admin\na-longer-name  x',
  );
});

test('key/values, dates and shell quoting', () => {
  assert.equal(keyValues([['Team', 'admin'], ['Web URL', null]]), 'Team:     admin\nWeb URL:');
  assert.equal(formatDate('2025-01-31T14:05:59.123Z'), '2025-01-31 14:05Z');
  assert.equal(formatDate(null), '');
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
});

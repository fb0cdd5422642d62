import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configChanges, diffKeys } from './config-diff.ts';

test('diffKeys lists added and removed names, sorted', () => {
  assert.deepEqual(diffKeys(['A', 'B'], ['B', 'D', 'C']), { added: ['C', 'D'], removed: ['A'] });
  assert.deepEqual(diffKeys(null, ['X']), { added: ['X'], removed: [] });
  assert.deepEqual(diffKeys(['X'], ['X']), { added: [], removed: [] });
});

test('configChanges sets changed values and unsets missing keys only when asked', () => {
  const current = { A: '1', B: '2', C: '3' };
  assert.deepEqual(configChanges(current, { A: '1', B: 'two', D: '4' }, false), { B: 'two', D: '4' });
  assert.deepEqual(configChanges(current, { A: '1', B: 'two', D: '4' }, true), { B: 'two', D: '4', C: null });
  assert.deepEqual(configChanges(current, current, true), {});
});

test('a key named __proto__ is an ordinary key', () => {
  const wanted = JSON.parse('{"__proto__":"x"}') as Record<string, string>;
  assert.deepEqual(Object.keys(configChanges({}, wanted, false)), ['__proto__']);
  assert.deepEqual(configChanges(wanted, {}, true), JSON.parse('{"__proto__":null}'));
});

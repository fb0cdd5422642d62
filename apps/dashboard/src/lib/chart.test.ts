import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linePath, niceMax } from './chart.ts';

test('niceMax rounds up to 1, 2 or 5 times a power of ten', () => {
  assert.equal(niceMax(0), 1);
  assert.equal(niceMax(3.2), 5);
  assert.equal(niceMax(17), 20);
  assert.equal(niceMax(100), 100);
  assert.equal(niceMax(0.012), 0.02);
});

test('linePath scales into the box and breaks at gaps', () => {
  assert.equal(linePath([0, 10], 10, 100, 50), 'M0.0,50.0L100.0,0.0');
  assert.equal(linePath([5, null, 5], 10, 100, 50), 'M0.0,25.0M100.0,25.0');
  assert.equal(linePath([], 10, 100, 50), '');
});

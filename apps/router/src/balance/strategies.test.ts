import assert from 'node:assert/strict';
import { it } from 'node:test';
import { leastOutstanding, roundRobin } from './strategies.ts';

const c = (key: string, outstanding = 0) => ({ key, outstanding });

it('round-robin visits every candidate in turn', () => {
  const list = [c('a'), c('b'), c('c')];
  const counter = { n: 0 };
  assert.deepEqual(Array.from({ length: 6 }, () => roundRobin(list, counter)?.key), ['a', 'b', 'c', 'a', 'b', 'c']);
  assert.equal(roundRobin([], counter), undefined);
});

it('least-outstanding picks the idlest, spreading ties', () => {
  const counter = { n: 0 };
  assert.equal(leastOutstanding([c('a', 5), c('b', 1), c('c', 3)], counter)?.key, 'b');
  const ties = new Set(Array.from({ length: 4 }, () => leastOutstanding([c('a'), c('b')], counter)?.key));
  assert.deepEqual([...ties].sort(), ['a', 'b']);
});

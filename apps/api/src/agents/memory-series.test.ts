import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeMemory } from './memory-series.ts';

const NOW = 1_000_000_000;

test("per step, each node's last point counts and the nodes add up", () => {
  const points = [
    { at: NOW - 25_000, node: 'n1', usedMb: 80 },
    { at: NOW - 24_000, node: 'n1', usedMb: 90 },
    { at: NOW - 23_000, node: 'n2', usedMb: 50 },
    { at: NOW - 12_000, node: 'n1', usedMb: 95 },
  ];
  assert.deepEqual(mergeMemory(points, NOW), [
    { at: NOW - 30_000, usedMb: 140 },
    { at: NOW - 20_000, usedMb: 95 },
  ]);
});

test('points older than an hour and the step still under way are left out', () => {
  assert.deepEqual(mergeMemory([{ at: NOW - 3_700_000, node: 'n1', usedMb: 10 }, { at: NOW + 1_000, node: 'n1', usedMb: 20 }], NOW + 5_000), []);
});

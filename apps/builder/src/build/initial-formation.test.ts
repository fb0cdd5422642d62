import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialFormation } from './initial-formation.ts';

test('Heroku defaults: web=1 when the release has web, every other type 0, release never', () => {
  assert.deepEqual(initialFormation(['web', 'worker', 'release'], {}), [
    { type: 'web', quantity: 1 },
    { type: 'worker', quantity: 0 },
  ]);
});

test('app.json formation sets quantity and size; types the release lacks are ignored', () => {
  assert.deepEqual(initialFormation(['worker'], { web: { quantity: 0 }, worker: { quantity: 1, size: 'basic' } }), [
    { type: 'worker', quantity: 1, size: 'basic', memoryMb: 256, cpuShares: 512 },
  ]);
  assert.deepEqual(initialFormation(['web'], { web: { size: 'performance' } }), [{ type: 'web', quantity: 1, size: 'performance', memoryMb: 2048, cpuShares: 2048 }]);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canAttach, onDeprovisionRequest, onProvisionRequest } from './state.ts';

test('provision requests per state', () => {
  assert.deepEqual(onProvisionRequest('provisioning'), { kind: 'enqueue', state: 'provisioning' });
  assert.deepEqual(onProvisionRequest('failed'), { kind: 'enqueue', state: 'provisioning' }, 'a failed add-on is retried');
  assert.deepEqual(onProvisionRequest('available'), { kind: 'noop' });
  assert.equal(onProvisionRequest('deprovisioning').kind, 'conflict');
  assert.equal(onProvisionRequest('deprovisioned').kind, 'conflict');
});

test('deprovision requests per state', () => {
  assert.equal(onDeprovisionRequest('provisioning').kind, 'conflict');
  for (const s of ['available', 'failed', 'deprovisioning'] as const) assert.deepEqual(onDeprovisionRequest(s), { kind: 'enqueue', state: 'deprovisioning' });
  assert.deepEqual(onDeprovisionRequest('deprovisioned'), { kind: 'noop' });
});

test('attach only while provisioning or available', () => {
  assert.deepEqual(
    (['provisioning', 'available', 'deprovisioning', 'deprovisioned', 'failed'] as const).map(canAttach),
    [true, true, false, false, false],
  );
});

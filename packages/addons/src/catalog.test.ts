import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findPlan } from './catalog.ts';

test('SERVICE[:PLAN] specs', () => {
  assert.equal(findPlan('postgres').id, 'postgres:shared');
  assert.equal(findPlan('PostgreSQL:shared').id, 'postgres:shared');
  assert.equal(findPlan('redis').id, 'redis:shared');
  assert.throws(() => findPlan('mysql'), { code: 'bad_request', message: /available: postgres, redis/ });
  assert.throws(() => findPlan('redis:huge'), { code: 'bad_request', message: /available: shared/ });
});

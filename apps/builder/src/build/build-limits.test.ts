import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApiLimits, explainStepFailure } from './build-limits.ts';

test('build API limits: memory and memory+swap equal (no swap), CPUs as a quota of a 100 ms period', () => {
  assert.deepEqual(buildApiLimits({ memoryMb: 256, cpus: 0.5, pids: null }), { memory: 268435456, memswap: 268435456, cpuperiod: 100_000, cpuquota: 50_000 });
});

test('a step killed with exit code 137 is explained as running out of memory; other failures are left as they are', () => {
  const killed = "The command '/bin/sh -c npm ci' returned a non-zero code: 137";
  assert.equal(explainStepFailure(killed, 2048), `Build step was killed (exit code 137), most likely because it ran out of memory (limit 2048 MB, BUILD_MEMORY_MB). ${killed}`);
  const failed = "The command '/bin/sh -c npm ci' returned a non-zero code: 1";
  assert.equal(explainStepFailure(failed, 2048), failed);
});

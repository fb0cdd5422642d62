import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Instance } from '@slipway/api-types';
import { formatLogLine } from './log-line.ts';
import { formatDuration, instanceGroups, instanceLine } from './ps-view.ts';

const instance = (over: Partial<Instance>): Instance => ({
  id: 'i', name: 'web.1', type: 'web', state: 'running', healthy: true, ready: true, notReady: null, node: 'n1', release: 4, restarts: 0, lastExitCode: null, lastError: null, startedAt: null, uptimeSeconds: 7500, memoryUsedMb: null, memoryLimitMb: 512, ...over,
});

test('durations keep the two largest units', () => {
  assert.deepEqual([0, 45, 60, 754, 3600, 7500, 86_400, 3 * 86_400 + 4 * 3600 + 59].map(formatDuration), ['0s', '45s', '1m', '12m', '1h', '2h 5m', '1d', '3d 4h']);
});

test('instance lines: uptime, release, node, health; crashed ones stand out', () => {
  assert.equal(instanceLine(instance({})), 'web.1: up 2h 5m (v4) node n1 healthy (ready) restarts 0');
  assert.equal(instanceLine(instance({ healthy: false })), 'web.1: up 2h 5m (v4) node n1 unhealthy (ready) restarts 0');
  assert.equal(instanceLine(instance({ ready: false, notReady: 'GET /ready returned 503' })), 'web.1: up 2h 5m (v4) node n1 healthy (not ready: GET /ready returned 503) restarts 0');
  assert.equal(instanceLine(instance({ name: 'web.2', state: 'crashed', uptimeSeconds: 0, restarts: 3 })), 'web.2: CRASHED (v4) node n1 restarts 3');
  assert.equal(instanceLine(instance({ state: 'pending', node: null })), 'web.1: pending (v4) not placed restarts 0');
});

test('instance lines show memory use against the limit once the agent sampled it', () => {
  assert.equal(instanceLine(instance({ memoryUsedMb: 83 })), 'web.1: up 2h 5m (v4) node n1 healthy (ready) restarts 0 mem 83/512 MB');
  assert.equal(instanceLine(instance({ memoryUsedMb: 250, memoryLimitMb: 256, restarts: 1, lastExitCode: 137, lastError: 'out of memory (limit 256 MB)' })), 'web.1: up 2h 5m (v4) node n1 healthy (ready) restarts 1 mem 250/256 MB, last crash: out of memory (limit 256 MB)');
});

test('instance lines say why the last crash happened: the platform reason, else the exit code', () => {
  const oom = { lastExitCode: 137, lastError: 'out of memory (limit 512 MB)' };
  assert.equal(instanceLine(instance({ state: 'crashed', ...oom })), 'web.1: CRASHED (v4) node n1 restarts 0, last crash: out of memory (limit 512 MB)');
  assert.equal(instanceLine(instance({ restarts: 2, ...oom })), 'web.1: up 2h 5m (v4) node n1 healthy (ready) restarts 2, last crash: out of memory (limit 512 MB)');
  assert.equal(instanceLine(instance({ state: 'crashed', lastExitCode: 1 })), 'web.1: CRASHED (v4) node n1 restarts 0, last crash: exit 1');
  assert.equal(instanceLine(instance({ lastExitCode: 0 })), 'web.1: up 2h 5m (v4) node n1 healthy (ready) restarts 0', 'never restarted: nothing to say');
});

test('instances group by type in formation order, sizes from the formation, one-offs last', () => {
  const formation = [{ type: 'web', quantity: 2, size: 'standard', memoryMb: 512 }, { type: 'worker', quantity: 1, size: 'basic', memoryMb: 256 }];
  const text = instanceGroups([
    instance({ name: 'run.1', type: 'run', uptimeSeconds: 5 }),
    instance({ name: 'worker.1', type: 'worker', uptimeSeconds: 60 }),
    instance({}),
    instance({ name: 'web.2', state: 'crashed' }),
  ], formation);
  assert.equal(text, [
    '=== web (standard): 2',
    'web.1: up 2h 5m (v4) node n1 healthy (ready) restarts 0',
    'web.2: CRASHED (v4) node n1 restarts 0',
    '',
    '=== worker (basic): 1',
    'worker.1: up 1m (v4) node n1 healthy (ready) restarts 0',
    '',
    '=== run: one-off processes (1)',
    'run.1: up 5s (v4) node n1 healthy (ready) restarts 0',
  ].join('\n'));
});

test("log lines in Heroku's format", () => {
  const line = { ts: '2026-11-25T21:00:00.000Z', dyno: 'web.1', type: 'web', instanceId: 'x', stream: 'stdout' as const, line: 'GET / 200' };
  assert.equal(formatLogLine(line), '2026-11-25T21:00:00.000Z app[web.1]: GET / 200');
  assert.equal(formatLogLine({ ...line, source: 'platform', line: 'Error R15' }), '2026-11-25T21:00:00.000Z slipway[web.1]: Error R15');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crashReason, memoryUpdate, patchFor, readinessUpdate } from './report.ts';
import type { ContainerReport } from '@slipway/agent/protocol';

const row = (over = {}) => ({ id: 'i', appId: 'a', type: 'web', name: 'web.1', state: 'starting' as const, healthy: false, restarts: 0, containerId: 'c1', hostPort: 31000, lastExitCode: null, lastError: null, startedAt: new Date(1_000), memoryMb: null, memoryUsedMb: null, ready: true, notReady: null, ...over });
const rep = (over: Partial<ContainerReport> = {}): ContainerReport => ({
  instanceId: '00000000-0000-4000-8000-000000000000', generation: 0, containerId: 'c1', hostPort: 31000, status: 'running', health: 'healthy', exitCode: null, oomKilled: false, startedAt: new Date(1_000).toISOString(), ...over,
});

const cases = [
  { name: 'healthy report makes it running', row: row(), rep: rep(), want: { state: 'running', healthy: true } },
  { name: 'unchanged report writes nothing (keeps updatedAt)', row: row({ state: 'running', healthy: true }), rep: rep(), want: {} },
  { name: 'exit marks crashed with the exit code', row: row({ state: 'running', healthy: true }), rep: rep({ status: 'exited', health: 'unknown', exitCode: 3 }), want: { state: 'crashed', healthy: false, lastExitCode: 3 } },
  { name: 'an OOM kill is a crash with its reason', row: row({ state: 'running', healthy: true }), rep: rep({ status: 'exited', exitCode: 137, oomKilled: true }), memoryMb: 256, want: { state: 'crashed', healthy: false, lastExitCode: 137, lastError: 'out of memory (limit 256 MB)' } },
  { name: 'a plain crash clears the reason of an earlier one', row: row({ state: 'running', healthy: true, lastError: 'out of memory (limit 512 MB)' }), rep: rep({ status: 'exited', exitCode: 1 }), want: { state: 'crashed', healthy: false, lastExitCode: 1, lastError: null } },
  { name: 'a one-off OOM-killed is done, with its reason', row: row({ type: 'run', state: 'running', healthy: true }), rep: rep({ status: 'exited', exitCode: 137, oomKilled: true }), oneOff: true, memoryMb: 512, want: { state: 'stopped', healthy: false, lastExitCode: 137, lastError: 'out of memory (limit 512 MB)' } },
  { name: 'failed health check marks crashed, and says so', row: row(), rep: rep({ health: 'failed' }), want: { state: 'crashed', lastError: 'failed its health check' } },
  { name: 'a draining instance that exits is done', row: row({ state: 'draining', healthy: true }), rep: rep({ status: 'exited', exitCode: 0 }), want: { state: 'stopped', healthy: false, lastExitCode: 0 } },
  { name: 'a one-off that exits is done', row: row({ type: 'run', state: 'running', healthy: true }), rep: rep({ status: 'exited', exitCode: 7 }), oneOff: true, want: { state: 'stopped', healthy: false, lastExitCode: 7 } },
  { name: 'unknown health after an agent restart keeps a healthy instance healthy', row: row({ state: 'running', healthy: true }), rep: rep({ status: 'starting', health: 'unknown' }), want: {} },
  { name: 'reports of an older generation are ignored', row: row({ restarts: 2 }), rep: rep({ generation: 1, status: 'exited' }), want: {} },
  // The e2e flake: a heartbeat between the container's create and start. The agent reports it starting
  // (it once reported Docker's ExitCode 0 as an exit, and the healthy instance was restarted).
  { name: 'a container created but not started yet leaves a new instance starting', row: row({ state: 'pending', containerId: null, hostPort: null, startedAt: null }), rep: rep({ hostPort: null, status: 'starting', health: 'unknown', startedAt: null }), want: { containerId: 'c1', state: 'starting' } },
  { name: 'crashed rows are not rewritten (back-off timer intact)', row: row({ state: 'crashed' }), rep: rep({ status: 'exited', exitCode: 1 }), want: {} },
];

for (const c of cases) test(`report: ${c.name}`, () => assert.deepEqual(patchFor(c.row, c.rep, c.oneOff ?? false, c.memoryMb ?? null), c.want));

test('crash reasons: OOM first, then a start failure, then a failed check of a running container; a plain exit has none', () => {
  assert.equal(crashReason(rep({ status: 'exited', oomKilled: true }), null), 'out of memory');
  assert.equal(crashReason(rep({ status: 'exited', containerId: null, error: 'no such image' }), null), 'could not start: no such image');
  assert.equal(crashReason(rep({ health: 'failed' }), null), 'failed its health check');
  assert.equal(crashReason(rep({ status: 'exited', exitCode: 1 }), 512), null);
});

test('memory use is written only when it changed, cleared on exit, left alone when not sampled or of another generation', () => {
  assert.equal(memoryUpdate(row(), rep({ memoryUsedMb: 83 })), 83);
  assert.equal(memoryUpdate(row({ memoryUsedMb: 83 }), rep({ memoryUsedMb: 83 })), undefined);
  assert.equal(memoryUpdate(row({ memoryUsedMb: 83 }), rep({ memoryUsedMb: 84 })), 84);
  assert.equal(memoryUpdate(row({ memoryUsedMb: 83 }), rep()), undefined);
  assert.equal(memoryUpdate(row({ memoryUsedMb: 83 }), rep({ status: 'exited', exitCode: 1 })), null);
  assert.equal(memoryUpdate(row(), rep({ status: 'exited', exitCode: 1 })), undefined);
  assert.equal(memoryUpdate(row({ restarts: 2 }), rep({ generation: 1, memoryUsedMb: 90 })), undefined);
});

test('readiness is written only when it changed, and left alone when the agent does not know it or for another generation', () => {
  assert.equal(readinessUpdate(row(), rep()), undefined, 'not reported: the stored value stands');
  assert.equal(readinessUpdate(row(), rep({ ready: true })), undefined);
  assert.deepEqual(readinessUpdate(row(), rep({ ready: false, notReady: 'GET /ready returned 503' })), { ready: false, notReady: 'GET /ready returned 503' });
  assert.equal(readinessUpdate(row({ ready: false, notReady: 'GET /ready returned 503' }), rep({ ready: false, notReady: 'GET /ready returned 503' })), undefined);
  assert.deepEqual(readinessUpdate(row({ ready: false, notReady: 'GET /ready returned 503' }), rep({ ready: true })), { ready: true, notReady: null });
  assert.equal(readinessUpdate(row({ restarts: 2 }), rep({ generation: 1, ready: false })), undefined);
});

test('a failed liveness check is named in the crash reason', () => {
  assert.equal(crashReason(rep({ health: 'failed', checkFailure: 'liveness check alive: GET /health/live timed out after 1 s' }), null), 'failed its liveness check alive: GET /health/live timed out after 1 s');
});

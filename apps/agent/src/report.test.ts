import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerInspectInfo } from 'dockerode';
import { reportOf } from './report.ts';
import type { Managed } from './docker/labels.ts';

const m: Managed = { containerId: 'c1', instanceId: '00000000-0000-4000-8000-000000000000', generation: 2, running: false, created: false, oneOff: false, stopTimeoutSec: 5 };
const info = (state: Partial<ContainerInspectInfo['State']>) => ({
  State: { Running: false, ExitCode: 0, OOMKilled: false, StartedAt: '2026-11-25T21:00:00.000000000Z', ...state },
  NetworkSettings: { Ports: { '5000/tcp': [{ HostIp: '10.0.0.1', HostPort: '31000' }] } },
}) as unknown as ContainerInspectInfo;

test('an OOM kill is reported as such, not only as exit 137', () => {
  const r = reportOf(m, info({ ExitCode: 137, OOMKilled: true }), { health: 'healthy' });
  assert.deepEqual([r.status, r.exitCode, r.oomKilled], ['exited', 137, true]);
});

test('a plain exit, a SIGKILL without OOM and a running container are no OOM kill', () => {
  assert.equal(reportOf(m, info({ ExitCode: 1 }), { health: 'healthy' }).oomKilled, false);
  assert.equal(reportOf(m, info({ ExitCode: 137 }), { health: 'healthy' }).oomKilled, false);
  const up = reportOf(m, info({ Running: true, OOMKilled: true }), { health: 'healthy' });
  assert.deepEqual([up.status, up.exitCode, up.oomKilled, up.hostPort], ['running', null, false, 31000]);
});

test('health: one-offs are healthy while running; others as checked, unknown before a check', () => {
  assert.equal(reportOf({ ...m, oneOff: true }, info({ Running: true }), { health: undefined }).health, 'healthy');
  assert.deepEqual([reportOf(m, info({ Running: true }), { health: undefined })].map((r) => [r.status, r.health]), [['starting', 'unknown']]);
  assert.equal(reportOf(m, info({ StartedAt: '0001-01-01T00:00:00Z' }), { health: undefined }).startedAt, null);
});

test('memory use goes with a running container only, and only once sampled', () => {
  assert.equal(reportOf(m, info({ Running: true }), { health: 'healthy' }, 83).memoryUsedMb, 83);
  assert.equal('memoryUsedMb' in reportOf(m, info({ Running: true }), { health: 'healthy' }), false);
  assert.equal('memoryUsedMb' in reportOf(m, info({ ExitCode: 1 }), { health: 'healthy' }, 83), false);
});

test('readiness is reported for a healthy running instance once known, with why it is not ready; a failed one says why', () => {
  const up = info({ Running: true });
  assert.equal('ready' in reportOf(m, up, { health: 'healthy' }), false, 'not known yet: the stored value stands');
  assert.equal('ready' in reportOf(m, up, { health: 'unknown', readiness: { ready: false, reason: 'x' } }), false);
  assert.deepEqual((({ ready, notReady }) => ({ ready, notReady }))(reportOf(m, up, { health: 'healthy', readiness: { ready: false, reason: 'GET /ready returned 503' } })), { ready: false, notReady: 'GET /ready returned 503' });
  assert.equal(reportOf(m, up, { health: 'healthy', readiness: { ready: true } }).ready, true);
  assert.equal(reportOf(m, up, { health: 'failed', failure: 'liveness check live: GET /live timed out after 1 s' }).checkFailure, 'liveness check live: GET /live timed out after 1 s');
});

test('a container created but not started yet is starting, never an exit 0 (e2e flake: a healthy instance restarted)', () => {
  // Docker's inspect between create and start: not running, ExitCode 0, never started.
  const r = reportOf({ ...m, created: true }, info({ Status: 'created', ExitCode: 0, StartedAt: '0001-01-01T00:00:00Z' }), { health: undefined });
  assert.deepEqual([r.status, r.health, r.exitCode, r.startedAt, r.hostPort], ['starting', 'unknown', null, null, null]);
  assert.equal(reportOf(m, info({ Status: 'exited', ExitCode: 0 }), { health: undefined }).status, 'exited');
});

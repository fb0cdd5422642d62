import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { defaultChecks, healthchecks } from '@slipway/app-json';
import { Engine, containerAddressOf, hostPortOf } from '../../apps/agent/src/docker/engine.ts';
import { runStartupChecks, type CheckTarget } from '../../apps/agent/src/health.ts';
import type { InstanceSpec } from '../../apps/agent/src/protocol.ts';

// Dokku's `command` checks run inside the container through the real engine (docker exec, with
// the container's env and the production container options), and a check on another `port`
// reaches the container's own address.
const run = promisify(execFile);
const engine = new Engine('/var/run/docker.sock', '127.0.0.1');
const started: string[] = [];
after(async () => {
  for (const id of started) await run('docker', ['rm', '-f', id]).catch(() => undefined);
});

test('command checks pass on exit 0 and fail otherwise; a check on another port reaches the container', async () => {
  const spec: InstanceSpec = {
    instanceId: randomUUID(), appId: 'chk', appName: 'chk', type: 'web', name: 'web.1', generation: 0, image: 'slipway/stack-node:20',
    command: `node -e "for (const p of [process.env.PORT, 7000]) require('http').createServer((q, s) => s.end('port ' + p)).listen(p)"`, env: { MARKER: 'here' },
    memoryMb: 128, cpuShares: 256, stopTimeoutSec: 1, healthchecks: defaultChecks('web'), oneOff: false,
  };
  const id = await engine.start(spec);
  started.push(id);
  const info = await engine.inspect(id);
  const t: CheckTarget = {
    published: { address: '127.0.0.1', port: hostPortOf(info)! }, containerAddress: containerAddressOf(info),
    stillRunning: () => engine.inspect(id).then((i) => i.State.Running),
    exec: (cmd, timeoutMs) => engine.exec(id, cmd, timeoutMs),
  };
  const check = (list: object[]) => runStartupChecks(healthchecks.parse({ web: list }).web!, t, () => false, () => {});
  const fast = { attempts: 10, wait: 0.3, timeout: 2 };
  assert.equal(await check([{ listening: true, ...fast }]), 'healthy');
  assert.equal(await check([{ command: 'test "$MARKER" = here && test -n "$PORT"', ...fast }]), 'healthy', 'runs with the container env');
  assert.equal(await check([{ command: ['/bin/sh', '-c', 'exit 1'], attempts: 2, wait: 0 }]), 'failed');
  assert.equal(await check([{ command: ['sleep', '5'], attempts: 1, timeout: 0.5 }]), 'failed', 'a command past its timeout fails');
  assert.equal(await check([{ path: '/', port: 7000, content: 'port 7000', ...fast }]), 'healthy');
  assert.equal(await check([{ path: '/', content: 'port 5000', ...fast }]), 'healthy', 'without a port: the published $PORT');
});

import { test, before, after } from 'node:test';
import { defaultChecks } from '@slipway/app-json';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { appNetworkName } from '../../apps/agent/src/docker/app-network.ts';
import { Engine } from '../../apps/agent/src/docker/engine.ts';
import type { ContainerReport, InstanceSpec } from '../../apps/agent/src/protocol.ts';
import { reportOf } from '../../apps/agent/src/report.ts';

// A hostile app on the real Docker engine, started by the agent's own Engine
// (the same container options as production): it tries to reach the Docker
// socket, fork-bomb, allocate past its memory limit, gain capabilities and
// write into the system or its own code. Each attempt is contained and the engine stays healthy.
const run = promisify(execFile);
const image = `slipway-test/hostile:${randomUUID().slice(0, 8)}`;
// Its own app id per run: the containers share a network made for it (removed in `after`).
const appId = `hostile-${randomUUID()}`;
const engine = new Engine('/var/run/docker.sock', '127.0.0.1');
const started: string[] = [];
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hostile-'));
  // Like the builder's generated Dockerfile: the stack image, the unprivileged app user.
  writeFileSync(join(dir, 'Dockerfile'), 'FROM slipway/stack-node:20\nWORKDIR /app\nUSER app\nCOPY hostile.js bomb.js /app/\n');
  // 2,000 processes at once; the pids limit must refuse most of them.
  writeFileSync(
    join(dir, 'bomb.js'),
    `const { spawn } = require('node:child_process');
const kids = []; let ok = 0, failed = 0;
for (let i = 0; i < 2000; i++) {
  try { const c = spawn('sleep', ['30']); c.on('spawn', () => ok++); c.on('error', () => failed++); kids.push(c); } catch { failed++; }
}
setTimeout(() => { console.log('forks=' + ok + ' failed=' + failed); for (const c of kids) try { c.kill('SIGKILL'); } catch {} process.exit(0); }, 3000);\n`,
  );
  writeFileSync(
    join(dir, 'hostile.js'),
    `const net = require('node:net');
const s = net.connect('/var/run/docker.sock');
s.on('connect', () => { console.log('SOCKET-REACHED'); process.exit(0); });
s.on('error', (e) => { console.log('socket ' + e.code); process.exit(0); });\n`,
  );
  await run('docker', ['build', '-q', '-t', image, dir], { timeout: 120_000 });
});
after(async () => {
  for (const id of started) await run('docker', ['rm', '-f', id]).catch(() => undefined);
  await run('docker', ['rmi', '-f', image]).catch(() => undefined);
  await run('docker', ['network', 'rm', appNetworkName(appId)]).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

/** Runs one command as a one-off instance through the agent's Engine; waits for its exit. */
async function attack(command: string, memoryMb = 128, oneOff = true): Promise<{ output: string; exitCode: number; oomKilled: boolean; report: ContainerReport }> {
  const spec: InstanceSpec = {
    instanceId: randomUUID(), appId, appName: 'hostile', type: oneOff ? 'run' : 'web', name: oneOff ? 'run.1' : 'web.1', generation: 0, image, command, env: {},
    memoryMb, cpuShares: 256, stopTimeoutSec: 1, healthchecks: defaultChecks('web'), oneOff,
  };
  const id = await engine.start(spec);
  started.push(id);
  await run('docker', ['wait', id], { timeout: 120_000 });
  const info = await engine.inspect(id);
  const logs = await run('docker', ['logs', id], { maxBuffer: 16 << 20 });
  // What the agent would tell the control plane about this exit.
  const report = reportOf({ containerId: id, instanceId: spec.instanceId, generation: 0, running: false, created: false, oneOff, stopTimeoutSec: 1 }, info, { health: undefined });
  return { output: logs.stdout + logs.stderr, exitCode: info.State.ExitCode, oomKilled: info.State.OOMKilled, report };
}

async function engineHealthy(): Promise<void> {
  const r = await attack('echo alive');
  assert.equal(r.output.trim(), 'alive');
}

test('runs unprivileged with every capability dropped and no way to gain one', async () => {
  const r = await attack('id -u; grep CapEff /proc/self/status; ip link add evil0 type dummy && echo LINK-ADDED; mount -t tmpfs none /tmp && echo MOUNTED; su -c true root && echo ROOT; echo done');
  assert.match(r.output, /^[1-9]\d*$/m, 'runs as a non-root user');
  assert.match(r.output, /CapEff:\s+0+$/m, 'no effective capabilities');
  assert.doesNotMatch(r.output, /LINK-ADDED|MOUNTED|ROOT/);
  assert.match(r.output, /done/);
});

test('cannot reach the Docker socket', async () => {
  const r = await attack('node /app/hostile.js; ls -la /var/run/docker.sock /run/docker.sock 2>&1');
  assert.match(r.output, /socket ENOENT/);
  assert.doesNotMatch(r.output, /SOCKET-REACHED/);
});

test('cannot write into the system outside its own folders', async () => {
  const r = await attack('for p in /etc/passwd /usr/bin/evil /bin/evil /root/evil; do (echo x > $p) 2>/dev/null && echo WROTE $p; done; echo ok > /tmp/mine && echo tmp-ok');
  assert.doesNotMatch(r.output, /WROTE/);
  assert.match(r.output, /tmp-ok/);
});

test('the root filesystem is read-only, its own code included; /tmp and $HOME are writable, for instances and one-offs', async () => {
  const probe = 'for p in /app/evil /app/hostile.js /etc/evil /usr/local/bin/node; do (echo x >> $p) 2>/dev/null && echo WROTE $p; done; '
    + 'echo ok > /tmp/t && echo tmp-ok; mkdir -p "$HOME/.npm/_logs" && echo ok > "$HOME/.npm/_logs/x" && echo home-ok "$HOME"';
  for (const oneOff of [true, false]) {
    const r = await attack(probe, 128, oneOff);
    assert.doesNotMatch(r.output, /WROTE/, `oneOff=${oneOff}`);
    assert.match(r.output, /tmp-ok/);
    assert.match(r.output, /home-ok \/home\/app/);
  }
  // Before the read-only root, the app user could rewrite its own code in /app.
  const r = await attack('stat -c %u /app');
  assert.match(r.output, /^1000$/m, 'the app user owns /app: only the read-only root keeps it from writing there');
});

test('a fork bomb hits the pids limit and the engine stays healthy', async () => {
  const r = await attack('node /app/bomb.js');
  const [forks, failed] = [/forks=(\d+)/, /failed=(\d+)/].map((re) => Number(re.exec(r.output)?.[1]));
  assert.ok(forks! > 0 && forks! <= 512, `forks bounded by the pids limit: ${r.output.slice(0, 300)}`);
  assert.ok(failed! > 0, r.output.slice(0, 300));
  await engineHealthy();
});

test('allocating past the memory limit is OOM-killed, reported as such by the engine and the agent, and nothing else suffers', async () => {
  const r = await attack('node -e "const a = []; for (;;) a.push(Buffer.alloc(1 << 20, 1))"', 64);
  assert.equal(r.oomKilled, true, `not OOM-killed: exit ${r.exitCode} ${r.output.slice(0, 200)}`);
  assert.equal(r.exitCode, 137);
  assert.deepEqual([r.report.status, r.report.exitCode, r.report.oomKilled], ['exited', 137, true]);
  // The shell is PID 1 and cannot be SIGKILLed from inside; it passes on its child's 137.
  const killed = await attack('sleep 30 & kill -9 $!; wait $!');
  assert.deepEqual([killed.report.exitCode, killed.report.oomKilled], [137, false], 'a plain SIGKILL is no OOM kill');
  await engineHealthy();
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { push, workTree } from '../builder/git-helpers.ts';
import { startPlatform, type Platform } from '../builder/platform.ts';

// Hostile builds pushed through the real git endpoint to the real builder and Docker
// engine: their RUN steps try to reach the Docker socket, fork-bomb and allocate
// past the memory limit. Each attempt is contained and the engine stays healthy.
const MEMORY_MB = 256;
const PIDS_MAX = 256;
let p: Platform;
let apps = 0;

before(async () => {
  p = await startPlatform(2, { limits: { memoryMb: MEMORY_MB, pidsMax: PIDS_MAX } });
});
after(async () => {
  await p?.close();
});

/** Pushes a Dockerfile app whose RUN steps are `steps`; a nonce keeps Docker's layer cache from skipping them. */
async function pushSteps(steps: string[]): Promise<{ app: string; code: number | null; output: string; buildId: string }> {
  const app = await p.createApp(`hostile${++apps}`);
  const wt = await workTree();
  try {
    await writeFile(join(wt.dir, 'Dockerfile'), ['FROM slipway/stack-node:20', `RUN echo nonce ${randomUUID()}`, ...steps.map((s) => `RUN ${s}`), 'CMD ["sleep", "1"]', ''].join('\n'));
    await wt.git('add', '-A');
    await wt.git('commit', '-qm', 'hostile');
    const result = await push(wt.dir, [p.git.url(app), 'main']);
    const build = await p.db.build.findFirstOrThrow({ where: { app: { name: app } }, orderBy: { createdAt: 'desc' } });
    return { app, ...result, buildId: build.id };
  } finally {
    await wt.cleanup();
  }
}

async function engineHealthy(): Promise<void> {
  const version = await p.docker.version();
  assert.ok(version.ApiVersion, 'docker version answers');
  const good = await pushSteps(['echo good-build']);
  assert.equal(good.code, 0, good.output);
  assert.match(good.output, /remote: good-build/);
}

/** The build's cgroup folders, in every hierarchy, that are still there. */
async function leftoverCgroups(buildId: string): Promise<string[]> {
  const hierarchies = ['/sys/fs/cgroup', ...(await readdir('/sys/fs/cgroup')).map((h) => join('/sys/fs/cgroup', h))];
  const dirs = hierarchies.map((h) => join(h, 'slipway-builds', buildId));
  return (await Promise.all(dirs.map(async (d) => ((await stat(d).catch(() => null)) ? d : null)))).filter((d) => d !== null);
}

test('a build step cannot reach the Docker socket', async () => {
  const r = await pushSteps([
    `node -e "const s = require('node:net').connect('/var/run/docker.sock'); s.on('connect', () => console.log('SOCKET-REACHED')); s.on('error', (e) => console.log('socket ' + e.code))"`,
    'ls /var/run/docker.sock /run/docker.sock || echo no-socket-file',
  ]);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /remote: socket ENOENT/);
  assert.match(r.output, /remote: no-socket-file/);
  assert.doesNotMatch(r.output, /remote: SOCKET-REACHED/);
});

test('build steps see the memory limit without swap and the CPU quota', async () => {
  // cgroup v1 files first, then v2's; a step sees its own cgroup.
  const r = await pushSteps([
    'echo "memory $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max)"',
    // v1: memory + swap equals memory; v2: no swap at all.
    'echo "swap $(cat /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.swap.max)"',
    'echo "cpu $(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cat /sys/fs/cgroup/cpu.max)"',
  ]);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, new RegExp(`remote: memory ${MEMORY_MB * 1024 * 1024}\\s`));
  assert.match(r.output, new RegExp(`remote: swap (${MEMORY_MB * 1024 * 1024}|0)\\s`));
  assert.match(r.output, /remote: cpu 100000(\s|$)/m, 'one CPU by default: a quota of one period');
});

test('a fork bomb in a build step hits the build pids cap and the engine stays healthy', async (t) => {
  if (!p.buildLimits.pids) return t.skip('no pids cap on this machine (the builder logged why): builds run without one');
  // 2,000 processes at once; the build's own cgroup must refuse most of them.
  const r = await pushSteps([
    'cat /proc/self/cgroup',
    `node -e "const { spawn } = require('node:child_process'); const kids = []; let ok = 0, failed = 0; for (let i = 0; i < 2000; i++) { try { const c = spawn('sleep', ['30']); c.on('spawn', () => ok++); c.on('error', () => failed++); kids.push(c); } catch { failed++; } } setTimeout(() => { console.log('forks=' + ok + ' failed=' + failed); for (const c of kids) try { c.kill('SIGKILL'); } catch {} process.exit(0); }, 3000)"`,
  ]);
  assert.equal(r.code, 0, r.output);
  const cgroupV1 = (await p.docker.info()).CgroupVersion !== '2';
  // On cgroup v1 a step sees its full cgroup path (no cgroup namespace); on v2 it sees only "/".
  if (cgroupV1) assert.match(r.output, new RegExp(`pids:/slipway-builds/${r.buildId}/[0-9a-f]{64}`), 'the step container is under the build cgroup');
  const [forks, failed] = [/forks=(\d+)/, /failed=(\d+)/].map((re) => Number(re.exec(r.output)?.[1]));
  assert.ok(forks! > 0 && forks! < PIDS_MAX, `forks bounded by the pids cap: ${r.output.slice(-400)}`);
  assert.ok(failed! > 2000 - PIDS_MAX, `most spawns refused: ${r.output.slice(-400)}`);
  assert.deepEqual(await leftoverCgroups(r.buildId), [], 'the build cgroup is removed after the build');
  await engineHealthy();
});

test('a build step allocating past the memory limit fails the build with a readable reason and the engine stays healthy', async () => {
  const r = await pushSteps([`node -e "const a = []; for (let i = 0; i < 1024; i++) a.push(Buffer.alloc(1 << 20, 1)); console.log('ALLOCATED-1GB')"`]);
  assert.notEqual(r.code, 0, r.output);
  assert.doesNotMatch(r.output, /remote: ALLOCATED-1GB/);
  const build = await p.db.build.findUniqueOrThrow({ where: { id: r.buildId } });
  assert.equal(build.status, 'failed');
  assert.match(build.failure ?? '', new RegExp(`ran out of memory \\(limit ${MEMORY_MB} MB, BUILD_MEMORY_MB\\)`));
  assert.match(r.output, /\[remote rejected\] main -> main \(build failed: Build step was killed \(exit code 137\)/);
  await engineHealthy();
});

// Push-to-live on the e2e platform (scripts/up.sh + three worker nodes in namespaces):
// time from `git push` start until the new release answers through the router, for a
// tiny app cold (new app, dependency layer rebuilt) and warm (code change only), and
// requests/s through the router while a deploy rolls out. Needs root (namespaces).
// Run: node --import tsx bench/e2e/push-to-live.bench.ts [runs]
import { cp as copy, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { waitFor } from '../../test/cluster/harness/exec.ts';
import { BridgeLease } from '../../test/support/bridge-lease.ts';
import { Platform } from '../../test/e2e/platform.ts';
import { Workers } from '../../test/e2e/workers.ts';
import { User, viaRouter } from '../../test/e2e/user.ts';
import { Load } from '../../test/e2e/load.ts';

const runs = Number(process.argv[2] ?? 2);
const startedSec = Math.floor(Date.now() / 1000) - 1;
const platform = new Platform();
const bridge = new BridgeLease();
let workers: Workers | null = null;
const tmp = await mkdtemp(join(tmpdir(), 'slipway-bench-e2e-'));
const rows: { what: string; value: string }[] = [];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function edit(user: User, dir: string, file: string, from: RegExp, to: string): Promise<void> {
  await writeFile(join(dir, file), (await readFile(join(dir, file), 'utf8')).replace(from, to));
  await user.exec('git', ['commit', '-qam', to], { cwd: dir });
}

/** Seconds from push start until the router answers with `mark`. */
async function pushToLive(user: User, app: string, dir: string, mark: string): Promise<number> {
  const start = performance.now();
  const r = await user.exec('git', ['push', 'platform', 'main'], { cwd: dir, timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`push failed:\n${r.out}`);
  await waitFor(`${app} answering ${mark}`, async () => (await viaRouter(platform.routerPort, app)).body.startsWith(`${mark} `), 60_000, 50);
  return (performance.now() - start) / 1000;
}

try {
  await bridge.acquire(600_000);
  await platform.start();
  workers = new Workers(platform.agentApiUrl, await platform.joinToken(), join(platform.home, 'logs'));
  await workers.create();
  const user = new User(join(tmp, 'config'), tmp);
  await user.ok(['login', '--api', platform.apiUrl, '--email', platform.adminEmail, '--password', platform.adminPassword]);
  await waitFor('three ready nodes', async () => (JSON.parse(await user.ok(['nodes', '--json'])) as { status: string }[]).filter((n) => n.status === 'ready').length === 3, 60_000, 1_000);
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) {
    const app = `tiny${i}`;
    const dir = join(tmp, app);
    await copy(new URL('./fixture/', import.meta.url), dir, { recursive: true });
    for (const args of [['init', '-q', '-b', 'main'], ['config', 'user.name', 'bench'], ['config', 'user.email', 'bench@example.com'], ['add', '.'], ['commit', '-qm', 'first']]) await user.exec('git', args, { cwd: dir });
    await user.ok(['apps:create', app]);
    await user.exec(process.execPath, [new URL('../../apps/cli/bin/slipway.js', import.meta.url).pathname, 'git:remote', '-a', app], { cwd: dir });
    // Cold: a fresh package.json changes the dependency layer's input.
    await edit(user, dir, 'package.json', /"description": "[^"]*"/, `"description": "cold ${Date.now()}"`);
    await edit(user, dir, 'server.js', /const MARK = '[^']*';/, "const MARK = 'm1';");
    cold.push(await pushToLive(user, app, dir, 'm1'));
    await edit(user, dir, 'server.js', /const MARK = '[^']*';/, "const MARK = 'm2';");
    warm.push(await pushToLive(user, app, dir, 'm2'));
  }
  // Requests/s through the router while tiny0 (scaled to 3) rolls out a new release.
  const app = 'tiny0';
  await user.ok(['ps:scale', 'web=3', '-a', app]);
  await waitFor('3 instances', async () => (JSON.parse(await user.ok(['ps', '-a', app, '--json'])) as { instances: { state: string; healthy: boolean }[] }).instances.filter((x) => x.state === 'running' && x.healthy).length === 3, 90_000, 1_000);
  const load = new Load(platform.routerPort, app);
  const dir = join(tmp, app);
  const t0 = performance.now();
  load.start(16, 300_000);
  await edit(user, dir, 'server.js', /const MARK = '[^']*';/, "const MARK = 'm3';");
  const deploy = await pushToLive(user, app, dir, 'm3');
  await load.stop();
  const seconds = (performance.now() - t0) / 1000;
  rows.push(
    { what: `push-to-live, cold (median of ${runs}: ${cold.map((s) => s.toFixed(1)).join(', ')})`, value: `${median(cold).toFixed(1)} s` },
    { what: `push-to-live, warm (median of ${runs}: ${warm.map((s) => s.toFixed(1)).join(', ')})`, value: `${median(warm).toFixed(1)} s` },
    { what: `requests/s through the router during a ${deploy.toFixed(1)} s deploy of web=3 (16 clients)`, value: `${(load.ok / seconds).toFixed(0)} req/s, ${load.failed.length} failed of ${load.ok + load.failed.length}` },
  );
  const width = Math.max(...rows.map((r) => r.what.length));
  console.log(`\n${'measure'.padEnd(width)} | result\n${'-'.repeat(width)}-|-------`);
  for (const r of rows) console.log(`${r.what.padEnd(width)} | ${r.value}`);
  console.log(`(load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}; 2 shared cores)`);
} finally {
  if (bridge.isHeld) {
    await platform.stop().catch((e) => console.error('platform cleanup', e));
    await workers?.destroy();
    await bridge.release();
  }
  const docker = new Docker();
  for (const i of await docker.listImages({ filters: { label: ['slipway.app'] } })) {
    if (/^tiny\d+$/.test(i.Labels?.['slipway.app'] ?? '') && i.Created >= startedSec) await docker.getImage(i.Id).remove({ force: true }).catch(() => {});
  }
  await rm(tmp, { recursive: true, force: true });
}

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { logsChannel, recentLogsKey, runExitChannel, runExitMessage } from '@slipway/scheduler/channels';
import { client, startApi, tokenFor, type TestApi } from '../support/api-server.ts';
import { assignmentsFor } from '../../apps/api/src/agents/assignments.ts';

// The CLI's process, log, node, build and add-on commands against the real API.
// State is written straight into the database and Redis, the way agents and the
// builder write it; pushes, builds and add-on servers are tested end to end elsewhere.
const BIN = new URL('../../apps/cli/bin/slipway.js', import.meta.url).pathname;
const exec = promisify(execFile);

let api: TestApi;
let home: string;
let env: NodeJS.ProcessEnv;
let appId: string;
let releaseId: string;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function slipway(args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { cwd: home, env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout: string; stderr: string };
    if (typeof err.code !== 'number') throw e;
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

async function ok(args: string[]): Promise<string> {
  const res = await slipway(args);
  assert.equal(res.code, 0, `slipway ${args.join(' ')} failed: ${res.stderr}`);
  return res.stdout;
}

/** Exit code and a one-line error without a stack; returns stderr. */
function failed(res: Result, code: number): string {
  assert.equal(res.code, code, `expected exit ${code}: ${res.stdout}${res.stderr}`);
  assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
  return res.stderr;
}

const logLine = (dyno: string, line: string, ts = new Date().toISOString()) =>
  JSON.stringify({ ts, dyno, type: dyno.split('.')[0], instanceId: dyno, stream: 'stdout', line });

before(async () => {
  // No add-on servers, and one attempt per add-on job, so a provision fails at once.
  // A Postgres add-on server that is configured but unreachable (port 1), and no Redis one.
  api = await startApi({ ADDONS_JOB_ATTEMPTS: '1', ADDONS_POSTGRES_ADMIN_URL: 'postgresql://slipway_admin:unused@127.0.0.1:1/postgres' });
  home = await mkdtemp(join(tmpdir(), 'slipway-cli-ops-'));
  const token = await tokenFor(api.url, api.admin.email, api.admin.password);
  env = { PATH: process.env.PATH, HOME: home, SLIPWAY_CONFIG_DIR: join(home, 'config'), SLIPWAY_API_URL: api.url, SLIPWAY_API_TOKEN: token };
  appId = (await client(api.url, token)('POST', '/v1/apps', { name: 'ops' })).body.id;
  const db = api.deps.db;
  const release = await db.release.create({
    data: { appId, version: 7, image: 'ops:v7', config: api.deps.box.encryptJson({}), description: 'Deploy', status: 'succeeded', processTypes: { web: 'node server.js' } },
  });
  releaseId = release.id;
  await db.formation.create({ data: { appId, type: 'web', quantity: 1 } });
  const node = await db.node.create({ data: { name: 'n1', address: '10.0.0.1', credentialHash: 'cli-ops-n1', memoryMb: 4096, cpus: 2, lastHeartbeatAt: new Date() } });
  const started = new Date(Date.now() - 2 * 3600_000 - 5 * 60_000);
  await db.instance.createMany({
    data: [
      { appId, releaseId, type: 'web', name: 'web.1', nodeId: node.id, state: 'running', healthy: true, startedAt: started, memoryUsedMb: 83 },
      { appId, releaseId, type: 'web', name: 'web.2', nodeId: node.id, state: 'crashed', restarts: 3, startedAt: started, lastExitCode: 137, lastError: 'out of memory (limit 512 MB)' },
    ],
  });
});
after(async () => {
  await api?.deps.redis.del(recentLogsKey(appId));
  await api?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

test('ps groups instances by type under the formation, with memory use; crashed ones stand out, with why', async () => {
  const out = await ok(['ps', '-a', 'ops']);
  assert.match(out, /=== ops Formation\nType +Quantity +Size\n.*\nweb +1 +standard\n/);
  assert.match(out, /^=== web \(standard\): 2\nweb\.1: up 2h 5m \(v7\) node n1 healthy \(ready\) restarts 0 mem 83\/512 MB\nweb\.2: CRASHED \(v7\) node n1 restarts 3, last crash: out of memory \(limit 512 MB\)$/m);
  const json = JSON.parse(await ok(['ps', '-a', 'ops', '--json']));
  assert.deepEqual(json.instances.map((i: { name: string; state: string }) => [i.name, i.state]), [['web.1', 'running'], ['web.2', 'crashed']]);
  assert.equal(json.formation[0].type, 'web');
});

test('ps:stop and ps:restart hand instances to the scheduler; unknown ones are clear errors', async () => {
  assert.equal(await ok(['ps:stop', 'web.2', '-a', 'ops']), 'Stopping web.2 of ops\n');
  assert.match(failed(await slipway(['ps:stop', 'web.9', '-a', 'ops']), 1), /^Error: .*web\.9.*not found/i);
  assert.equal(await ok(['ps:restart', 'web', '-a', 'ops']), 'Restarting 1 web instance of ops: fresh ones replace them\n');
  assert.match(failed(await slipway(['ps:restart', 'Bad Type', '-a', 'ops']), 1), /^Error: .*type/i);
  const states = JSON.parse(await ok(['ps', '-a', 'ops', '--json'])).instances.map((i: { state: string }) => i.state);
  assert.deepEqual(states, ['draining', 'draining']);
  assert.match(await ok(['ps', '-a', 'ops']), /^web\.1: draining \(v7\) node n1 restarts 0 mem 83\/512 MB$/m);
});

test('logs prints recent lines in Heroku format, filtered by type and dyno', async () => {
  await api.deps.redis.rpush(
    recentLogsKey(appId),
    logLine('web.1', 'GET / 200', '2026-11-25T21:00:00.000Z'),
    logLine('worker.1', 'job done', '2026-11-25T21:00:01.000Z'),
    logLine('web.2', 'GET /cart 200', '2026-11-25T21:00:02.000Z'),
  );
  assert.equal(await ok(['logs', '-a', 'ops']), [
    '2026-11-25T21:00:00.000Z app[web.1]: GET / 200',
    '2026-11-25T21:00:01.000Z app[worker.1]: job done',
    '2026-11-25T21:00:02.000Z app[web.2]: GET /cart 200',
    '',
  ].join('\n'));
  assert.equal(await ok(['logs', '-a', 'ops', '-n', '1']), '2026-11-25T21:00:02.000Z app[web.2]: GET /cart 200\n');
  assert.doesNotMatch(await ok(['logs', '-a', 'ops', '--type', 'web']), /job done/);
  assert.equal(await ok(['logs', '-a', 'ops', '-d', 'web.1']), '2026-11-25T21:00:00.000Z app[web.1]: GET / 200\n');
  assert.equal(JSON.parse((await ok(['logs', '-a', 'ops', '-n', '1', '--json'])).trim()).dyno, 'web.2');
  assert.match(failed(await slipway(['logs', '-a', 'ops', '-n', 'lots']), 2), /--num must be a whole number/);
});

test('logs -t streams lines published after it started until it is stopped', async () => {
  const child = spawn(process.execPath, [BIN, 'logs', '-t', '-n', '0', '-a', 'ops'], { cwd: home, env });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    // Publish until the tail has subscribed and shows the line (it cannot know when the CLI connected).
    for (let i = 0; i < 100 && !out.includes('live line'); i++) {
      await api.deps.redis.publish(logsChannel(appId), logLine('web.1', 'live line', '2026-11-25T21:05:00.000Z'));
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.match(out, /^2026-11-25T21:05:00\.000Z app\[web\.1\]: live line$/m);
  } finally {
    child.kill();
    await exited;
  }
});

test('nodes lists capacity and instances; nodes:drain marks a node draining; nodes:remove wants --confirm', async () => {
  const out = await ok(['nodes']);
  assert.match(out, /^Name +Address +Status +Memory +Instances +Last heartbeat$/m);
  assert.match(out, /^n1 +10\.0\.0\.1 +ready +\d+\/4096 MB +2 +\S+ ago$/m);
  assert.equal(JSON.parse(await ok(['nodes', '--json']))[0].name, 'n1');
  assert.equal(await ok(['nodes:drain', 'n1']), 'Draining n1: its instances move to other nodes\n');
  assert.match(await ok(['nodes']), /^n1 +10\.0\.0\.1 +draining /m);
  assert.match(failed(await slipway(['nodes:drain', 'nope']), 1), /not found/i);
  assert.match(failed(await slipway(['nodes:remove', 'n1']), 1), /--confirm n1/);
});

test('run on an app with no ready node is a clear error with exit 1', async () => {
  await api.deps.db.node.updateMany({ data: { status: 'down' } });
  const res = await slipway(['run', '-a', 'ops', '--', 'echo', 'hi']);
  const err = failed(res, 1);
  assert.match(err, /^Running `echo hi` on ops\.\.\. failed\nError: No node has room/);
  assert.match(failed(await slipway(['run', '-a', 'ops', '--size', 'huge', '--', 'ls']), 2), /--size/);
});

test('run streams the one-off output to stdout/stderr and exits with its exit code', async () => {
  await api.deps.db.node.create({ data: { name: 'n2', address: '10.0.0.2', credentialHash: 'cli-ops-n2', memoryMb: 4096, cpus: 2, lastHeartbeatAt: new Date() } });
  const child = spawn(process.execPath, [BIN, 'run', '-a', 'ops', '--size', 'basic', '--', 'sh', '-c', 'echo hi; exit 3'], { cwd: home, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  let running = true;
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve)).finally(() => (running = false));
  try {
    // What the agent reports for the container: its lines on the app's log channel, then its exit.
    while (running && !stderr.includes('up, run.')) await new Promise((r) => setTimeout(r, 50));
    assert.match(stderr, /up, run\.\d+\n/);
    const run = await api.deps.db.instance.findFirstOrThrow({ where: { appId, type: 'run' } });
    assert.equal(run.command, "sh -c 'echo hi; exit 3'");
    // The one-off gets the size asked for, not the web formation's.
    const [spec] = (await assignmentsFor(api.deps.db, api.deps.box, run.nodeId!)).filter((x) => x.instanceId === run.id);
    assert.deepEqual([spec?.memoryMb, spec?.cpuShares], [256, 512]);
    const line = (text: string, stream: string) => JSON.stringify({ ts: new Date().toISOString(), dyno: run.name, type: 'run', instanceId: run.id, stream, line: text });
    await api.deps.redis.publish(logsChannel(appId), line('hi', 'stdout'));
    await api.deps.redis.publish(logsChannel(appId), line('oops', 'stderr'));
    // Another run's exit, even copied onto this channel, does not end this one.
    await api.deps.redis.publish(runExitChannel(run.id), runExitMessage(randomUUID(), 0));
    await api.deps.redis.publish(runExitChannel(run.id), runExitMessage(run.id, 3));
    assert.equal(await exited, 3);
    assert.equal(stdout, 'hi\n');
    assert.equal(stderr, `Running \`sh -c 'echo hi; exit 3'\` on ops... up, ${run.name}\noops\n`);
  } finally {
    child.kill();
  }
});

test('builds, builds:info and builds:output show Build rows; a failed build exits 1', async () => {
  const db = api.deps.db;
  const at = (m: number) => new Date(Date.UTC(2026, 10, 25, 21, m));
  const good = await db.build.create({
    data: { appId, status: 'succeeded', commitSha: 'a1b2c3d4e5f6', branch: 'main', image: 'ops:v7', buildpack: 'node', log: '-----> Node.js app detected\n-----> npm ci\n', createdAt: at(0), startedAt: at(0), finishedAt: at(1) },
  });
  await db.release.update({ where: { id: releaseId }, data: { buildId: good.id } });
  const bad = await db.build.create({
    data: { appId, status: 'failed', commitSha: 'ffff00001111', branch: 'main', failure: 'npm ci exited with code 1', log: '-----> npm ci\nnpm ERR! missing lockfile\n', createdAt: at(5), startedAt: at(5), finishedAt: at(6) },
  });

  const list = await ok(['builds', '-a', 'ops']);
  assert.match(list, /=== ops Builds\nID +Status +Commit +Release +Created\n/);
  assert.match(list, new RegExp(`^${bad.id} +failed +ffff000 \\(main\\) +2026-11-25 21:05Z$`, 'm'));
  assert.match(list, new RegExp(`^${good.id} +succeeded +a1b2c3d \\(main\\) +v7 +2026-11-25 21:00Z$`, 'm'));
  assert.deepEqual(JSON.parse(await ok(['builds', '-a', 'ops', '--json'])).map((b: { id: string }) => b.id), [bad.id, good.id]);

  const info = await ok(['builds:info', good.id, '-a', 'ops']);
  assert.match(info, new RegExp(`=== Build ${good.id}\nStatus: +succeeded\nCommit: +a1b2c3d4e5f6 \\(main\\)`));
  assert.match(info, /^Release: +v7$/m);
  assert.match(info, /=== Output\n-----> Node\.js app detected\n-----> npm ci\n$/);
  assert.match(await ok(['builds:info', '-a', 'ops']), /Failure: +npm ci exited with code 1/, 'no id: the latest build');
  assert.match(failed(await slipway(['builds:info', 'nope', '-a', 'ops']), 1), /not found/i);

  const output = await slipway(['builds:output', good.id, '-a', 'ops']);
  assert.equal(output.code, 0, output.stderr);
  assert.equal(output.stdout, '-----> Node.js app detected\n-----> npm ci\n');
  assert.equal(output.stderr, 'Build succeeded: release v7\n');
  const failedOutput = await slipway(['builds:output', '-a', 'ops']);
  assert.equal(failedOutput.stdout, '-----> npm ci\nnpm ERR! missing lockfile\n');
  assert.equal(failed(failedOutput, 1), 'Error: The build failed: npm ci exited with code 1\n');

  assert.match(failed(await slipway(['builds:cancel', '-a', 'ops']), 1), /already failed/);
});

test('addons: empty lists; addons:create queues with --no-wait and reports a failed provision clearly', async () => {
  assert.match(await ok(['addons', '-a', 'ops']), /^ops has no add-ons: add one with `slipway addons:create postgres -a ops`$/m);
  assert.equal(await ok(['addons']), 'No add-ons yet\n');

  // A service with no server is refused at once, not queued.
  assert.match(failed(await slipway(['addons:create', 'redis', '-a', 'ops']), 1), /The redis add-on server is not configured on this platform/);

  // No broker worker yet: the add-on stays provisioning, which --no-wait reports.
  const queued = await slipway(['addons:create', 'postgres', '-a', 'ops', '--as', 'QUEUED', '--no-wait']);
  assert.equal(queued.code, 0, queued.stderr);
  assert.equal(queued.stderr, 'Creating postgres:shared on ops... provisioning\n');
  assert.match(queued.stdout, /^postgres-\S+ is being provisioned: check it with `slipway addons:info postgres-\S+`\n$/);

  // The server is unreachable: a provision job fails at its first attempt; the waiting CLI says why.
  api.deps.broker.startWorker();
  const res = await slipway(['addons:create', 'postgres', '-a', 'ops']);
  assert.match(failed(res, 1), /^Creating postgres:shared on ops\.\.\. failed\nError: \S+ could not be provisioned: .*ECONNREFUSED/);
  const addon = JSON.parse(await ok(['addons', '-a', 'ops', '--json'])).find((a: { attachments: { alias: string }[] }) => a.attachments.some((x) => x.alias === 'DATABASE'));
  assert.match(await ok(['addons', '-a', 'ops']), new RegExp(`^${addon.name} +postgres:shared +failed: .*ECONNREFUSED.* +ops as DATABASE$`, 'm'));
  const info = await ok(['addons:info', addon.name]);
  assert.match(info, new RegExp(`^=== ${addon.name}\nID: +${addon.id}\nPlan: +postgres:shared\nState: +failed\nFailure: .*ECONNREFUSED`));
  assert.match(info, /^Attached to: +ops as DATABASE \(DATABASE_URL\)$/m);
  assert.match(failed(await slipway(['pg:psql', '-a', 'ops']), 1), /is failed; credentials exist only while it is available/);
  assert.match(await ok(['addons:detach', addon.name, '-a', 'ops']), new RegExp(`^Detached ${addon.name} from ops: removed DATABASE_URL \\(release v\\d+\\)\n$`));
  assert.equal(await ok(['addons:detach', addon.name, '-a', 'ops']), `${addon.name} was not attached to ops\n`);
  assert.match(failed(await slipway(['pg:psql', '-a', 'ops']), 1), /^Error: ops has no postgres add-on attached as DATABASE: pass the add-on's name/);

  assert.match(failed(await slipway(['addons:create', 'mysql', '-a', 'ops']), 1), /Unknown add-on service 'mysql'/);
  assert.match(failed(await slipway(['addons:destroy', 'nope']), 1), /--confirm nope/);
});

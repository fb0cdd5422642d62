import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitFor } from '../cluster/harness/exec.ts';
import { viaRouter } from '../e2e/user.ts';
import { ReleaseHarness } from './release-platform.ts';

/**
 * Issue 15, Heroku's release phase, formation defaults and failing first deploys, with apps
 * written as Heroku documents them (test/fixtures/apps), pushed with stock git through the real
 * builder, a real node agent, the scheduler and the router.
 */
const h = new ReleaseHarness({ RELEASE_PHASE_TIMEOUT_MS: '60000' });
const suffix = randomBytes(2).toString('hex');
const names = { db: `relphase-${suffix}`, worker: `worker-${suffix}`, crash: `crash-${suffix}`, tasks: `tasks-${suffix}` };
let tasksDir = '';
let dbDir = '';

const edit = async (file: string, from: string, to: string) => {
  const text = await readFile(file, 'utf8');
  assert.ok(text.includes(from), `${file} contains ${from}`);
  await writeFile(file, text.replace(from, to));
};

describe('release phase, formation defaults and failing first deploys', { timeout: 1_800_000 }, () => {
  before(() => h.start());
  after(() => h.stop());

  test('a release: command creates a table in the app\'s Postgres add-on before web starts; web reads it on its first request', async () => {
    dbDir = await h.app('release-phase', names.db);
    await h.user.ok(['addons:create', 'postgres', '-a', names.db], 240_000);
    const r = await h.push(dbDir);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /Running release command: node release-tasks\.js/);
    assert.match(r.out, /release phase for v2 in release\.2/);
    assert.match(r.out, /migrations done: release_runs ready/);
    // The output comes before the rollout: the phase ran before any web instance.
    assert.ok(r.out.indexOf('migrations done') < r.out.indexOf('Rolling out v2'), r.out);
    assert.match(r.out, /deployed to http:\/\//);
    const first = await waitFor('the first answer through the router', async () => {
      const res = await viaRouter(h.platform.routerPort, names.db);
      return res.status === 502 || res.status === 503 || res.status === 404 ? null : res;
    }, 30_000, 200);
    assert.equal(first.status, 200, first.body);
    assert.match(first.body, /^c1 runs=1 releases=v2 /);
    // Built on the Node.js its package.json asks for (engines.node "22.x"), as Heroku's buildpack does.
    assert.match(r.out, /Using Node\.js 22\.\d+\.\d+ \(engines\.node "22\.x"\)/);
    assert.match((await viaRouter(h.platform.routerPort, names.db, '/node')).body, /^v22\.\d+\.\d+\n$/);
    assert.match(await h.user.ok(['releases:output', 'v2', '-a', names.db]), /migrations done: release_runs ready/);
    assert.match(await h.user.ok(['releases:output', 'v1', '-a', names.db]), /ran no release phase/);
  });

  test('release and run can never be scaled', async () => {
    const r = await h.user.slipway(['ps:scale', 'release=1', '-a', names.db]);
    assert.notEqual(r.code, 0);
    assert.match(r.out, /"release" is the release phase/);
    const run = await h.user.slipway(['ps:scale', 'run=1', '-a', names.db]);
    assert.notEqual(run.code, 0);
    assert.match(run.out, /one-off/);
    const ps = JSON.parse(await h.user.ok(['ps', '-a', names.db, '--json'])) as { formation: { type: string }[] };
    assert.deepEqual(ps.formation.map((f) => f.type), ['web']);
  });

  test('config:set makes a release that runs the release phase again, with the new config', async () => {
    await h.user.ok(['config:set', 'GREETING=hello', '-a', names.db], 120_000);
    const body = await waitFor('v3 serving after its release phase', async () => {
      const res = await viaRouter(h.platform.routerPort, names.db);
      return /runs=2 releases=v2,v3 greeting=hello/.test(res.body) ? res.body : null;
    }, 120_000, 500);
    assert.match(body, /^c1 /);
    assert.match(await h.user.ok(['releases:output', 'v3', '-a', names.db]), /release phase for v3 in release\.3/);
    // Succeeded once the old instance has drained.
    await waitFor('v3 succeeded', async () => /v3\s+succeeded/.test(await h.user.ok(['releases', '-a', names.db])), 30_000, 1_000);
  });

  test('a failing release: refuses the deploy: the push exits non-zero with its last lines and the old code keeps serving', async () => {
    await edit(join(dbDir, 'release-tasks.js'), 'const FAIL = false;', 'const FAIL = true;');
    await edit(join(dbDir, 'server.js'), "const CODE = 'c1';", "const CODE = 'c2';");
    await h.commit(dbDir, 'a migration that fails');
    const r = await h.push(dbDir);
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /release v4 failed: release command exited with status 1/);
    assert.match(r.out, /migration 002_add_prices failed/);
    assert.doesNotMatch(r.out, /Rolling out v4/);
    console.log(`failing release phase: push exited ${r.code} ${r.secondsAfter('Running release command').toFixed(1)} s after the release command started (${r.seconds.toFixed(1)} s with the build)`);
    const res = await viaRouter(h.platform.routerPort, names.db);
    assert.equal(res.status, 200);
    assert.match(res.body, /^c1 runs=2 /);
    assert.match(await h.user.ok(['releases', '-a', names.db]), /v4\s+failed/);
    const ps = JSON.parse(await h.user.ok(['ps', '-a', names.db, '--json'])) as { instances: { release: number; type: string; state: string }[] };
    assert.ok(ps.instances.filter((i) => i.type === 'web').every((i) => i.release === 3), JSON.stringify(ps.instances));
  });

  test('app.json scripts.dokku.predeploy runs before the release command and the rollout, postdeploy after it; Heroku\'s scripts.postdeploy is not run', async () => {
    tasksDir = await h.app('deploy-tasks', names.tasks);
    const r = await h.push(tasksDir);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /Cron: `node tasks\/tick\.js` at "\* \* \* \* \*" \(UTC\)/);
    assert.match(r.out, /Running predeploy task \(app\.json scripts\.dokku\.predeploy\): node tasks\/predeploy\.js/);
    assert.match(r.out, /predeploy: preparing v1 in predeploy\.1/);
    assert.match(r.out, /Running release command: node tasks\/release\.js/);
    assert.match(r.out, /Running postdeploy task \(app\.json scripts\.dokku\.postdeploy\): node tasks\/postdeploy\.js/);
    assert.match(r.out, /Postdeploy task of v1 done/);
    assert.doesNotMatch(r.out, /review-seed/);
    // Dokku's order: predeploy, release command, rollout, postdeploy.
    const order = ['predeploy: done', 'release: v1 in release.1', 'Rolling out v1', 'deployed to http://', 'postdeploy: v1 is live (postdeploy.1)'].map((t) => r.out.indexOf(t));
    assert.ok(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!)), `${JSON.stringify(order)}\n${r.out}`);
    const res = await waitFor('the app answering', async () => {
      const x = await viaRouter(h.platform.routerPort, names.tasks);
      return x.status === 200 ? x : null;
    }, 30_000, 200);
    assert.equal(res.body, 'c1 v1\n');
    const output = await h.user.ok(['releases:output', 'v1', '-a', names.tasks]);
    assert.match(output, /predeploy: done[\s\S]*release: v1[\s\S]*postdeploy: v1 is live/);
  });

  test('a failing predeploy refuses the deploy before the release command: the push exits non-zero with its last lines and the old code keeps serving', async () => {
    await edit(join(tasksDir, 'tasks/predeploy.js'), 'const FAIL = false;', 'const FAIL = true;');
    await edit(join(tasksDir, 'server.js'), "const CODE = 'c1';", "const CODE = 'c2';");
    await h.commit(tasksDir, 'a predeploy that fails');
    const r = await h.push(tasksDir);
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /release v2 failed: predeploy task exited with status 3; the previous release keeps serving/);
    assert.match(r.out, /Last lines of the predeploy task:[\s\S]*asset manifest is missing/);
    assert.doesNotMatch(r.out, /Running release command|release: v2|Rolling out v2|postdeploy: v2/);
    const res = await viaRouter(h.platform.routerPort, names.tasks);
    assert.equal(res.body, 'c1 v1\n');
    assert.match(await h.user.ok(['releases', '-a', names.tasks]), /v2\s+failed/);
  });

  test('an invalid cron schedule fails the build naming the field, and nothing is released', async () => {
    await edit(join(tasksDir, 'app.json'), '"schedule": "* * * * *"', '"schedule": "61 * * * *"');
    await h.commit(tasksDir, 'a cron schedule out of range');
    const r = await h.push(tasksDir);
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /app\.json: cron\[0\]\.schedule must be a valid schedule: "61 \* \* \* \*" is not a valid cron expression/);
    assert.doesNotMatch(r.out, /Released v\d+/);
    assert.equal((await viaRouter(h.platform.routerPort, names.tasks)).body, 'c1 v1\n');
  });

  test('a worker-only app with app.json formation runs its worker, gets no route, and the push says what runs', async () => {
    const dir = await h.app('worker-only', names.worker);
    const r = await h.push(dir);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /worker\.1: up/);
    assert.doesNotMatch(r.out, /deployed to http/);
    const ps = JSON.parse(await h.user.ok(['ps', '-a', names.worker, '--json'])) as { formation: { type: string; quantity: number; size: string }[] };
    assert.deepEqual(ps.formation.map((f) => [f.type, f.quantity, f.size]), [['worker', 1, 'basic']]);
    assert.equal((await viaRouter(h.platform.routerPort, names.worker)).status, 404);
    await waitFor('worker ticks in the logs', async () => /worker tick \d+/.test(await h.user.ok(['logs', '-a', names.worker, '-n', '50'])), 30_000, 1_000);
    // After the first release ps:scale wins over app.json.
    await h.user.ok(['ps:scale', 'worker=0', '-a', names.worker]);
    await h.user.ok(['config:set', 'X=1', '-a', names.worker]);
    const after = JSON.parse(await h.user.ok(['ps', '-a', names.worker, '--json'])) as { formation: { type: string; quantity: number }[] };
    assert.deepEqual(after.formation.map((f) => [f.type, f.quantity]), [['worker', 0]]);
  });

  test('a first deploy that crashes fails the push with the reason and the log lines (the time it took is printed, not asserted)', async () => {
    const dir = await h.app('crash-on-start', names.crash);
    const r = await h.push(dir);
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /release v1 failed: web instance web\.1 failed its health check or exited/);
    assert.match(r.out, /DATABASE_URL is not set; refusing to start/);
    assert.match(r.out, /Last lines:[\s\S]*web\.1: booting crash-on-start/);
    const failing = r.secondsAfter('Rolling out v1');
    console.log(`failing first deploy: push exited ${r.code} ${failing.toFixed(1)} s after the rollout began (${r.seconds.toFixed(1)} s with the build)`);
  });

  test('the app.json cron job runs every minute (UTC) as a one-off of the serving release: its output is in slipway logs and slipway cron lists it', async () => {
    // `* * * * *`: the next minute after v1 came out; the tests above took part of that wait.
    const line = await waitFor('a cron run in the logs', async () => {
      const logs = await h.user.ok(['logs', '-a', names.tasks, '-n', '200']);
      return /cron tick from v1 at \S+ in cron\.\d+/.exec(logs)?.[0] ?? null;
    }, 150_000, 2_000);
    const jobs = await waitFor('the run recorded', async () => {
      const list = JSON.parse(await h.user.ok(['cron', '-a', names.tasks, '--json'])) as { command: string; schedule: string; lastRun: { status: string; exitCode: number | null } | null; nextRun: string }[];
      return list[0]?.lastRun?.status === 'succeeded' ? list : null;
    }, 30_000, 1_000);
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]!.command, 'node tasks/tick.js');
    assert.equal(jobs[0]!.lastRun!.exitCode, 0);
    assert.equal(new Date(jobs[0]!.nextRun).getUTCSeconds(), 0);
    assert.ok(new Date(jobs[0]!.nextRun).getTime() > Date.now() - 1_000);
    const table = await h.user.ok(['cron', '-a', names.tasks]);
    assert.match(table, /\* \* \* \* \*\s+node tasks\/tick\.js\s+\S+ \S+\s+(exit 0|running)\s+\S+ \S+/);
  });
});

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
const names = { db: `relphase-${suffix}`, worker: `worker-${suffix}`, crash: `crash-${suffix}` };
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

  test('a first deploy that crashes fails the push well under a minute, with the reason and the log lines', async () => {
    const dir = await h.app('crash-on-start', names.crash);
    const r = await h.push(dir);
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /release v1 failed: web instance web\.1 failed its health check or exited/);
    assert.match(r.out, /DATABASE_URL is not set; refusing to start/);
    assert.match(r.out, /Last lines:[\s\S]*web\.1: booting crash-on-start/);
    const failing = r.secondsAfter('Rolling out v1');
    console.log(`failing first deploy: push exited ${r.code} ${failing.toFixed(1)} s after the rollout began (${r.seconds.toFixed(1)} s with the build)`);
    assert.ok(failing < 30, `the failure took ${failing} s to report`);
    assert.ok(r.seconds < 60, `push took ${r.seconds} s`);
  });
});

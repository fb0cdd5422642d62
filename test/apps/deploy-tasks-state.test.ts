import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '@slipway/core';
import { createDb, type Db } from '@slipway/db';
import { cronJobId } from '@slipway/app-json';
import { defaultPolicy } from '../../apps/scheduler/src/model.ts';
import { loadState } from '../../apps/scheduler/src/state.ts';
import { advanceReleasePhase, finishReleasePhase } from '../../apps/scheduler/src/release-phase.ts';
import { advancePostdeploys, finishPostdeploy } from '../../apps/scheduler/src/postdeploy.ts';
import { finishCronRun, runCron } from '../../apps/scheduler/src/cron.ts';
import { freshDatabase } from '../support/database.ts';

/**
 * Dokku's deployment tasks and cron on a real database, without containers: predeploy before the
 * release command, each started once however many passes race; postdeploy once per release and
 * its failure leaving the release deployed; each cron slot recorded once, skipped while the
 * previous run still goes.
 */
let db: Db;
let drop: () => Promise<void>;
let teamId: string;
const log = createLogger('deploy-tasks-test', 'silent');

async function makeApp(name: string) {
  return (await db.app.create({ data: { name, teamId } })).id;
}
async function release(appId: string, version: number, data: { status: 'pending' | 'succeeded'; releaseCommand?: string; predeployCommand?: string; postdeployCommand?: string; cron?: { command: string; schedule: string }[] }) {
  return (await db.release.create({ data: { appId, version, image: `img:v${version}`, processTypes: { web: 'node server.js' }, config: '', description: `v${version}`, ...data } })).id;
}
async function state(now: number) {
  await db.node.updateMany({ data: { lastHeartbeatAt: new Date(now) } });
  return loadState(db);
}
async function phasePass(now = Date.now()) {
  const s = await state(now);
  await Promise.all(s.phases.flatMap((p) => [advanceReleasePhase(db, log, p, s, now, defaultPolicy), advanceReleasePhase(db, log, p, s, now, defaultPolicy)]));
}
const runsOf = (releaseId: string) => db.instance.findMany({ where: { releaseId, type: 'run' }, orderBy: { createdAt: 'asc' } });
const stop = (id: string, lastExitCode: number) => db.instance.update({ where: { id }, data: { state: 'stopped', lastExitCode } });

before(async () => {
  const fresh = await freshDatabase();
  drop = fresh.drop;
  db = createDb(fresh.url, 6);
  teamId = (await db.team.create({ data: { name: 'tasks-team' } })).id;
  await db.node.create({ data: { name: 'n1', address: '10.0.0.1', credentialHash: 'tasks-n1', memoryMb: 8192, cpus: 2, lastHeartbeatAt: new Date() } });
});
after(async () => {
  await db.$disconnect();
  await drop();
});

test('predeploy runs first, then the release command, each once; then the release rolls out', async () => {
  const appId = await makeApp('pre-ok');
  await release(appId, 1, { status: 'succeeded' });
  const id = await release(appId, 2, { status: 'pending', predeployCommand: 'node pre.js', releaseCommand: 'node migrate.js' });
  await phasePass();
  let runs = await runsOf(id);
  assert.deepEqual(runs.map((r) => [r.name, r.command]), [['predeploy.2', 'node pre.js']]);
  await stop(runs[0]!.id, 0);
  assert.equal(await finishReleasePhase(db, id, 0, null, 'predeploy'), false, 'a predeploy with a release command after it does not end the phase');
  // The agent's next report may remove the stopped row before a scheduler pass: the release remembers the pass.
  await db.instance.delete({ where: { id: runs[0]!.id } });
  await phasePass();
  await phasePass();
  runs = await runsOf(id);
  assert.deepEqual(runs.map((r) => [r.name, r.command]), [['release.2', 'node migrate.js']]);
  await stop(runs[0]!.id, 0);
  await phasePass();
  assert.equal((await db.release.findUniqueOrThrow({ where: { id } })).status, 'deploying');
});

test('a failing predeploy fails the release without running the release command; a predeploy alone is a release phase too', async () => {
  const appId = await makeApp('pre-bad');
  await release(appId, 1, { status: 'succeeded' });
  const id = await release(appId, 2, { status: 'pending', predeployCommand: 'node pre.js', releaseCommand: 'node migrate.js' });
  await phasePass();
  await stop((await runsOf(id))[0]!.id, 3);
  await phasePass();
  const r = await db.release.findUniqueOrThrow({ where: { id } });
  assert.equal(r.status, 'failed');
  assert.equal(r.failure, 'predeploy task exited with status 3');
  assert.deepEqual((await runsOf(id)).map((i) => i.name), ['predeploy.2']);
  const serving = (await loadState(db)).apps.find((a) => a.appId === appId)!;
  assert.equal(serving.target, serving.serving, 'the previous release stays the target');

  const only = await release(appId, 3, { status: 'pending', predeployCommand: 'node pre.js' });
  await phasePass();
  await stop((await runsOf(only))[0]!.id, 0);
  assert.equal(await finishReleasePhase(db, only, 0, null, 'predeploy'), true);
  assert.equal((await db.release.findUniqueOrThrow({ where: { id: only } })).status, 'deploying');
});

test('postdeploy starts once after the rollout; its failure is recorded and the release stays deployed', async () => {
  const appId = await makeApp('post');
  const id = await release(appId, 1, { status: 'succeeded', postdeployCommand: 'node post.js' });
  const now = Date.now();
  const s = await state(now);
  await Promise.all([advancePostdeploys(db, log, s, now, defaultPolicy), advancePostdeploys(db, log, s, now, defaultPolicy)]);
  const runs = await runsOf(id);
  assert.deepEqual(runs.map((r) => [r.name, r.command]), [['postdeploy.1', 'node post.js']]);
  assert.equal(await finishPostdeploy(db, id, 1), true);
  assert.equal(await finishPostdeploy(db, id, 1), false, 'a second report changes nothing');
  const r = await db.release.findUniqueOrThrow({ where: { id } });
  assert.deepEqual([r.status, r.postdeployStatus, r.postdeployFailure], ['succeeded', 'failed', 'postdeploy task exited with status 1']);
  await advancePostdeploys(db, log, await state(Date.now()), Date.now(), defaultPolicy);
  assert.equal((await runsOf(id)).length, 1, 'never run again');
});

test('each cron slot is recorded once across racing schedulers; a slot due while the last run goes is skipped', async () => {
  const appId = await makeApp('cron');
  const job = { command: 'node tick.js', schedule: '*/5 * * * *' };
  const id = await release(appId, 1, { status: 'succeeded', cron: [job] });
  await db.release.update({ where: { id }, data: { createdAt: new Date('2026-03-01T09:58:00Z') } });
  const at = (iso: string) => new Date(iso).getTime();
  const tick = async (iso: string) => {
    const s = await state(at(iso));
    // Two schedulers (a restart overlapping, a lost lease) passing at the same moment.
    await Promise.all([runCron(db, log, s, at(iso), defaultPolicy), runCron(db, log, s, at(iso), defaultPolicy)]);
  };
  await tick('2026-03-01T10:00:02Z');
  await tick('2026-03-01T10:01:00Z');
  let rows = await db.cronRun.findMany({ where: { appId }, orderBy: { slot: 'asc' } });
  assert.deepEqual(rows.map((r) => [r.slot.toISOString(), r.status, r.job]), [['2026-03-01T10:00:00.000Z', 'running', cronJobId(job)]]);
  const runs = await runsOf(id);
  assert.deepEqual(runs.map((r) => [r.name, r.command]), [['cron.1', 'node tick.js']]);
  await tick('2026-03-01T10:05:01Z');
  rows = await db.cronRun.findMany({ where: { appId }, orderBy: { slot: 'asc' } });
  assert.deepEqual(rows.map((r) => r.status), ['running', 'skipped']);
  assert.equal((await runsOf(id)).length, 1, 'no second run while the first goes');
  await stop(runs[0]!.id, 0);
  assert.equal(await finishCronRun(db, runs[0]!.id, 0), true);
  await tick('2026-03-01T10:10:00Z');
  rows = await db.cronRun.findMany({ where: { appId }, orderBy: { slot: 'asc' } });
  assert.deepEqual(rows.map((r) => [r.status, r.exitCode]), [['succeeded', 0], ['skipped', null], ['running', null]]);
  assert.equal((await runsOf(id)).length, 2);
});

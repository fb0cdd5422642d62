import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '@slipway/core';
import { createDb, type Db } from '@slipway/db';
import { defaultPolicy } from '../../apps/scheduler/src/model.ts';
import { loadState } from '../../apps/scheduler/src/state.ts';
import { advanceReleasePhase, finishReleasePhase } from '../../apps/scheduler/src/release-phase.ts';
import { freshDatabase } from '../support/database.ts';

/**
 * The release phase's state machine on a real database, without containers: a retried or
 * concurrent pass never starts a second one-off, a release past its phase never runs it again,
 * failures and timeouts fail only that release, and what serves stays the rollout target.
 */
let db: Db;
let drop: () => Promise<void>;
let appId: string;
const log = createLogger('release-phase-test', 'silent');
const ids: Record<number, string> = {};

async function release(version: number, status: 'pending' | 'succeeded', releaseCommand: string | null) {
  const r = await db.release.create({ data: { appId, version, image: `img:v${version}`, processTypes: { web: 'node server.js', release: 'node migrate.js' }, releaseCommand, config: '', description: `v${version}`, status } });
  ids[version] = r.id;
}
const statusOf = async (version: number) => (await db.release.findUniqueOrThrow({ where: { id: ids[version]! } })).status;
const phaseRuns = (version: number) => db.instance.findMany({ where: { releaseId: ids[version]!, type: 'run', name: `release.${version}` } });
const targetOf = async () => (await loadState(db)).apps.find((a) => a.appId === appId)!.target;
async function pass(policy = defaultPolicy, now = Date.now()) {
  await db.node.updateMany({ data: { lastHeartbeatAt: new Date(now) } });
  const state = await loadState(db);
  for (const phase of state.phases) await advanceReleasePhase(db, log, phase, state, now, policy);
}

before(async () => {
  const fresh = await freshDatabase();
  drop = fresh.drop;
  db = createDb(fresh.url, 4);
  const team = await db.team.create({ data: { name: 'phase-team' } });
  appId = (await db.app.create({ data: { name: 'phased', teamId: team.id } })).id;
  await db.node.create({ data: { name: 'n1', address: '10.0.0.1', credentialHash: 'phase-n1', memoryMb: 4096, cpus: 2, lastHeartbeatAt: new Date() } });
  await release(1, 'succeeded', null);
});
after(async () => {
  await db.$disconnect();
  await drop();
});

test('a release with a release command is not rolled out before its phase; concurrent and retried passes start one one-off', async () => {
  await release(2, 'pending', 'node migrate.js');
  await db.node.updateMany({ data: { lastHeartbeatAt: new Date() } });
  const state = await loadState(db);
  assert.deepEqual(state.phases.map((p) => [p.version, p.status]), [[2, 'pending']]);
  assert.equal(await targetOf(), ids[1], 'the serving release stays the target');
  assert.deepEqual(state.pendingTargets, []);
  // Two schedulers (or a pass and its retry) acting on the same snapshot.
  await Promise.all([advanceReleasePhase(db, log, state.phases[0]!, state, Date.now(), defaultPolicy), advanceReleasePhase(db, log, state.phases[0]!, state, Date.now(), defaultPolicy)]);
  await pass();
  const runs = await phaseRuns(2);
  assert.equal(runs.length, 1);
  assert.equal(runs[0]!.command, 'node migrate.js');
  assert.equal(await statusOf(2), 'releasing');
  assert.equal(await targetOf(), ids[1]);
});

test('a zero exit lets the release roll out, once; it never runs its phase again', async () => {
  const [run] = await phaseRuns(2);
  await db.instance.update({ where: { id: run!.id }, data: { state: 'stopped', lastExitCode: 0 } });
  assert.equal(await finishReleasePhase(db, ids[2]!, 0), true);
  assert.equal(await finishReleasePhase(db, ids[2]!, 0), false, 'the second report changes nothing');
  await pass();
  assert.equal(await statusOf(2), 'deploying');
  assert.equal(await targetOf(), ids[2]);
  assert.equal((await loadState(db)).phases.length, 0);
  assert.equal((await phaseRuns(2)).length, 1);
});

test('a non-zero exit fails that release with the reason; the last good release stays the target', async () => {
  await release(3, 'pending', 'node migrate.js');
  await pass();
  const [run] = await phaseRuns(3);
  await db.instance.update({ where: { id: run!.id }, data: { state: 'stopped', lastExitCode: 1 } });
  await pass();
  const r = await db.release.findUniqueOrThrow({ where: { id: ids[3]! } });
  assert.equal(r.status, 'failed');
  assert.equal(r.failure, 'release command exited with status 1');
  assert.equal(await targetOf(), ids[2]);
});

test('a release command past its timeout is stopped and fails its release', async () => {
  await release(4, 'pending', 'sleep 3600');
  await pass();
  // A later release waits: two release phases of one app never run at once.
  await release(5, 'pending', 'node migrate.js');
  await pass();
  assert.equal((await phaseRuns(5)).length, 0);
  assert.equal(await statusOf(5), 'pending');
  await pass({ ...defaultPolicy, releasePhaseTimeoutMs: 1_000 }, Date.now() + 5_000);
  const r = await db.release.findUniqueOrThrow({ where: { id: ids[4]! } });
  assert.equal(r.status, 'failed');
  assert.match(r.failure ?? '', /timed out after 1 s/);
  assert.equal((await phaseRuns(4))[0]!.state, 'stopped');
  // Then the next one's phase starts.
  await pass();
  assert.equal(await statusOf(5), 'releasing');
});

test('a release made without a release phase (an add-on rotating its credentials) goes straight to its rollout', async () => {
  const [run] = await phaseRuns(5);
  await db.instance.update({ where: { id: run!.id }, data: { state: 'stopped', lastExitCode: 0 } });
  await release(6, 'pending', null);
  await pass();
  assert.equal(await statusOf(5), 'skipped', 'replaced before it went live');
  const state = await loadState(db);
  assert.deepEqual(state.pendingTargets, [ids[6]]);
  assert.equal((await phaseRuns(6)).length, 0);
});

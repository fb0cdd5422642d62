import type { Db } from '@slipway/db';
import type { Logger } from '@slipway/core';
import { isLiveNode, type Policy } from './model.ts';
import type { ClusterState, PhaseView } from './state.ts';
import { createOneOff, deployStepOf, deployTaskName, nodeForOneOff, type DeployStep } from './deploy-task.ts';

/**
 * The release phase: Dokku's app.json `scripts.dokku.predeploy`, then Heroku's Procfile `release:`
 * command (Dokku's order: its pre-deploy trigger runs predeploy, then release), each once in a
 * one-off container of the new release (its image, config vars and add-ons) before any of its
 * instances start. The one-offs are `run` instances named `predeploy.<version>` and
 * `release.<version>`. State moves only by guarded updates (pending → releasing with the first
 * one-off created in the same transaction; releasing → deploying | failed | skipped), so a
 * retried pass or a restarted scheduler or API never starts a step twice and never runs it for
 * a release past it.
 */

/** The release command's one-off: one per release, which also keeps a second one from being made. */
export const releasePhaseName = (version: number): string => deployTaskName('release', version);

/** One of the release phase's one-offs (predeploy or release). */
export const isReleasePhaseInstance = (i: { type: string; name: string }): boolean => {
  const step = deployStepOf(i);
  return step === 'predeploy' || step === 'release';
};

/** Longest output kept for `releases:output` (the push streams it all). */
export const RELEASE_OUTPUT_MAX_CHARS = 256 * 1024;

const what = (step: DeployStep) => (step === 'release' ? 'release command' : `${step} task`);

/**
 * Ends a step of a release's phase from its one-off's exit. A zero exit of the release command
 * (or of a predeploy with no release command after it) lets the release roll out (unless a newer
 * release came meanwhile: skipped); a zero exit of a predeploy followed by a release command
 * changes nothing here (the scheduler starts that next); anything else fails the release and the
 * serving release keeps serving. Called by the API when the agent reports the exit, and by the
 * scheduler when it finds the one-off stopped; whichever comes second changes nothing.
 */
export async function finishReleasePhase(db: Db, releaseId: string, exitCode: number | null, lastError: string | null = null, step: 'predeploy' | 'release' = 'release'): Promise<boolean> {
  const release = await db.release.findUnique({ where: { id: releaseId }, select: { appId: true, version: true, status: true, releaseCommand: true } });
  if (release?.status !== 'releasing') return false;
  let data: { status: 'deploying' | 'skipped' | 'failed'; failure?: string };
  if (exitCode === 0) {
    if (step === 'predeploy' && release.releaseCommand !== null) {
      await db.release.updateMany({ where: { id: releaseId, status: 'releasing', predeployPassedAt: null }, data: { predeployPassedAt: new Date() } });
      return false;
    }
    const newer = await db.release.count({ where: { appId: release.appId, version: { gt: release.version } } });
    data = { status: newer > 0 ? 'skipped' : 'deploying' };
  } else {
    const why = exitCode === null ? (lastError ?? 'ended without an exit code') : `exited with status ${exitCode}${lastError ? ` (${lastError})` : ''}`;
    data = { status: 'failed', failure: `${what(step)} ${why}` };
  }
  const { count } = await db.release.updateMany({ where: { id: releaseId, status: 'releasing' }, data });
  return count > 0;
}

async function failPhase(db: Db, log: Logger, phase: PhaseView, instanceId: string | null, failure: string): Promise<void> {
  if (instanceId) await db.instance.updateMany({ where: { id: instanceId, state: { not: 'stopped' } }, data: { state: 'stopped', healthy: false } });
  const { count } = await db.release.updateMany({ where: { id: phase.releaseId, status: 'releasing' }, data: { status: 'failed', failure } });
  if (count > 0) log.warn({ release: phase.releaseId, version: phase.version, failure }, 'release phase failed; the previous release keeps serving');
}

/**
 * One step of one release's phase. Returns whether anything changed. `pending`: start the first
 * one-off (predeploy if any, else the release command), unless another release of the app is
 * still in its phase (two migrations never run at once). `releasing`: start the release command
 * once the predeploy exited 0, finish from the last one-off's exit, or fail on a timeout or a lost node.
 */
export async function advanceReleasePhase(db: Db, log: Logger, phase: PhaseView, state: ClusterState, now: number, policy: Policy): Promise<boolean> {
  const first: DeployStep = phase.predeploy !== null ? 'predeploy' : 'release';
  if (phase.status === 'pending') {
    if (state.phases.some((p) => p.appId === phase.appId && p.status === 'releasing')) return false;
    const nodeId = nodeForOneOff(phase.appId, state, now, policy);
    if (!nodeId) {
      log.warn({ release: phase.releaseId }, 'no node has room for the release phase yet');
      return false;
    }
    return db.$transaction(async (tx) => {
      const moved = await tx.release.updateMany({ where: { id: phase.releaseId, status: 'pending' }, data: { status: 'releasing' } });
      if (moved.count === 0) return false;
      const command = first === 'predeploy' ? phase.predeploy! : phase.command!;
      await createOneOff(tx, { appId: phase.appId, releaseId: phase.releaseId, name: deployTaskName(first, phase.version), nodeId, command });
      log.info({ release: phase.releaseId, version: phase.version, node: nodeId, step: first }, 'release phase started');
      return true;
    });
  }
  const names = [deployTaskName('predeploy', phase.version), releasePhaseName(phase.version)];
  const ones = await db.instance.findMany({ where: { releaseId: phase.releaseId, type: 'run', name: { in: names } }, orderBy: { createdAt: 'desc' } });
  // The release command's one-off, once it exists, is the current step.
  const inst = ones.find((i) => i.name === names[1]) ?? ones[0];
  // The predeploy passed and the release command is next (its row may already be gone: the release records the pass).
  if (phase.command !== null && inst?.name !== names[1]) {
    const passed = inst ? inst.state === 'stopped' && inst.lastExitCode === 0 : await predeployPassed(db, phase.releaseId);
    if (passed) return startReleaseCommand(db, log, phase, state, now, policy);
  }
  if (!inst) {
    await failPhase(db, log, phase, null, `the ${what(first)} was lost before it reported an exit`);
    return true;
  }
  const step = deployStepOf(inst) as 'predeploy' | 'release';
  if (inst.state === 'stopped' || inst.state === 'crashed') {
    return finishReleasePhase(db, phase.releaseId, inst.lastExitCode, inst.lastError, step);
  }
  if (now - inst.createdAt.getTime() > policy.releasePhaseTimeoutMs) {
    await failPhase(db, log, phase, inst.id, `${what(step)} timed out after ${Math.round(policy.releasePhaseTimeoutMs / 1000)} s`);
    return true;
  }
  const node = state.nodes.find((n) => n.id === inst.nodeId);
  if (!isLiveNode(node, now, policy)) {
    await failPhase(db, log, phase, inst.id, `the node running the ${what(step)} went down (${node?.name ?? 'removed'})`);
    return true;
  }
  return false;
}

const predeployPassed = async (db: Db, releaseId: string): Promise<boolean> =>
  (await db.release.count({ where: { id: releaseId, predeployPassedAt: { not: null } } })) > 0;

/** After a predeploy that exited 0: the release command's one-off, once (guarded on its absence under a row lock on the release). */
async function startReleaseCommand(db: Db, log: Logger, phase: PhaseView, state: ClusterState, now: number, policy: Policy): Promise<boolean> {
  const nodeId = nodeForOneOff(phase.appId, state, now, policy);
  if (!nodeId) return false;
  const name = releasePhaseName(phase.version);
  return db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Release" WHERE id = ${phase.releaseId}::uuid AND status = 'releasing' FOR UPDATE`;
    if (locked.length === 0) return false;
    if ((await tx.instance.count({ where: { releaseId: phase.releaseId, type: 'run', name } })) > 0) return false;
    await createOneOff(tx, { appId: phase.appId, releaseId: phase.releaseId, name, nodeId, command: phase.command! });
    log.info({ release: phase.releaseId, version: phase.version, node: nodeId, step: 'release' }, 'predeploy done; release command started');
    return true;
  });
}

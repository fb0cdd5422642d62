import type { Db } from '@slipway/db';
import type { Logger } from '@slipway/core';
import { isLiveNode, type Policy } from './model.ts';
import type { ClusterState, PhaseView } from './state.ts';
import { place } from './placement/index.ts';
import { SIZES } from './operations.ts';

/**
 * Heroku's release phase: the Procfile's `release:` command runs once in a one-off container of
 * the new release (its image, config vars and add-ons) before any of its instances start. The
 * one-off is an ordinary `run` instance named `release.<version>`, so the agents run it like
 * `slipway run`. State moves only by guarded updates (pending → releasing with the one-off
 * created in the same transaction; releasing → deploying | failed | skipped), so a retried pass
 * or a restarted scheduler or API never starts it twice and never runs it for a release past it.
 */

/** The one-off's name: one per release, which also keeps a second one from being made. */
export const releasePhaseName = (version: number): string => `release.${version}`;

export const isReleasePhaseInstance = (i: { type: string; name: string }): boolean => i.type === 'run' && i.name.startsWith('release.');

/** Longest output kept for `releases:output` (the push streams it all). */
export const RELEASE_OUTPUT_MAX_CHARS = 256 * 1024;

/**
 * Ends a release's phase from its one-off's exit: a zero exit lets it roll out (unless a newer
 * release came meanwhile: skipped), anything else fails it and the serving release keeps serving.
 * Called by the API when the agent reports the exit, and by the scheduler when it finds the
 * one-off stopped; whichever comes second changes nothing.
 */
export async function finishReleasePhase(db: Db, releaseId: string, exitCode: number | null, lastError: string | null = null): Promise<boolean> {
  const release = await db.release.findUnique({ where: { id: releaseId }, select: { appId: true, version: true, status: true } });
  if (release?.status !== 'releasing') return false;
  let data: { status: 'deploying' | 'skipped' | 'failed'; failure?: string };
  if (exitCode === 0) {
    const newer = await db.release.count({ where: { appId: release.appId, version: { gt: release.version } } });
    data = { status: newer > 0 ? 'skipped' : 'deploying' };
  } else {
    const why = exitCode === null ? (lastError ?? 'ended without an exit code') : `exited with status ${exitCode}${lastError ? ` (${lastError})` : ''}`;
    data = { status: 'failed', failure: `release command ${why}` };
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
 * One step of one release's phase. Returns whether anything changed. `pending`: start the
 * one-off, unless another release of the app is still in its phase (two migrations never run
 * at once). `releasing`: finish it from the one-off's exit, or fail it on a timeout or a lost node.
 */
export async function advanceReleasePhase(db: Db, log: Logger, phase: PhaseView, state: ClusterState, now: number, policy: Policy): Promise<boolean> {
  const name = releasePhaseName(phase.version);
  if (phase.status === 'pending') {
    if (state.phases.some((p) => p.appId === phase.appId && p.status === 'releasing')) return false;
    const { memoryMb, cpuShares } = SIZES.standard;
    const { nodeIds } = place({ appId: phase.appId, type: 'run', memoryMb, constraints: {} }, 1, state.nodes, state.instances, now, policy);
    if (nodeIds.length === 0) {
      log.warn({ release: phase.releaseId }, 'no node has room for the release phase yet');
      return false;
    }
    return db.$transaction(async (tx) => {
      const moved = await tx.release.updateMany({ where: { id: phase.releaseId, status: 'pending' }, data: { status: 'releasing' } });
      if (moved.count === 0) return false;
      await tx.instance.create({ data: { appId: phase.appId, releaseId: phase.releaseId, type: 'run', name, nodeId: nodeIds[0]!, command: phase.command, memoryMb, cpuShares } });
      log.info({ release: phase.releaseId, version: phase.version, node: nodeIds[0] }, 'release phase started');
      return true;
    });
  }
  const inst = await db.instance.findFirst({ where: { releaseId: phase.releaseId, type: 'run', name }, orderBy: { createdAt: 'desc' } });
  if (!inst) {
    await failPhase(db, log, phase, null, 'the release command was lost before it reported an exit');
    return true;
  }
  if (inst.state === 'stopped' || inst.state === 'crashed') return finishReleasePhase(db, phase.releaseId, inst.lastExitCode, inst.lastError);
  if (now - inst.createdAt.getTime() > policy.releasePhaseTimeoutMs) {
    await failPhase(db, log, phase, inst.id, `release command timed out after ${Math.round(policy.releasePhaseTimeoutMs / 1000)} s`);
    return true;
  }
  const node = state.nodes.find((n) => n.id === inst.nodeId);
  if (!isLiveNode(node, now, policy)) {
    await failPhase(db, log, phase, inst.id, `the node running the release command went down (${node?.name ?? 'removed'})`);
    return true;
  }
  return false;
}

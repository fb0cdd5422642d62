import type { Db } from '@slipway/db';
import type { Logger } from '@slipway/core';
import { isLiveNode, type Policy } from './model.ts';
import type { ClusterState } from './state.ts';
import { createOneOff, deployTaskName, nodeForOneOff } from './deploy-task.ts';

/**
 * Dokku's app.json `scripts.dokku.postdeploy`: once a release has rolled out (succeeded), its
 * command runs in a one-off `postdeploy.<version>` of that release. As on Dokku, where the
 * post-deploy trigger runs after the new containers took the traffic, a failure is reported
 * (the release's postdeployStatus and failure, and the push) but does not undo the rollout.
 * Started under a guarded update (null → running), so it runs once per release.
 */
export async function advancePostdeploys(db: Db, log: Logger, state: ClusterState, now: number, policy: Policy): Promise<boolean> {
  let changed = false;
  const due = await db.release.findMany({
    where: { postdeployCommand: { not: null }, OR: [{ status: 'succeeded', postdeployStatus: null }, { postdeployStatus: 'running' }] },
    select: { id: true, appId: true, version: true, postdeployCommand: true, postdeployStatus: true },
  });
  for (const r of due) {
    const name = deployTaskName('postdeploy', r.version);
    if (r.postdeployStatus === null) {
      const nodeId = nodeForOneOff(r.appId, state, now, policy);
      if (!nodeId) continue;
      changed = (await db.$transaction(async (tx) => {
        const moved = await tx.release.updateMany({ where: { id: r.id, status: 'succeeded', postdeployStatus: null }, data: { postdeployStatus: 'running' } });
        if (moved.count === 0) return false;
        await createOneOff(tx, { appId: r.appId, releaseId: r.id, name, nodeId, command: r.postdeployCommand! });
        log.info({ release: r.id, version: r.version, node: nodeId }, 'postdeploy task started');
        return true;
      })) || changed;
      continue;
    }
    const inst = await db.instance.findFirst({ where: { releaseId: r.id, type: 'run', name }, orderBy: { createdAt: 'desc' } });
    let failure: string | null = null;
    if (!inst) failure = 'the postdeploy task was lost before it reported an exit';
    else if (inst.state === 'stopped' || inst.state === 'crashed') changed = (await finishPostdeploy(db, r.id, inst.lastExitCode, inst.lastError)) || changed;
    else if (now - inst.createdAt.getTime() > policy.releasePhaseTimeoutMs) failure = `postdeploy task timed out after ${Math.round(policy.releasePhaseTimeoutMs / 1000)} s`;
    else if (!isLiveNode(state.nodes.find((n) => n.id === inst.nodeId), now, policy)) failure = 'the node running the postdeploy task went down';
    if (failure) {
      if (inst) await db.instance.updateMany({ where: { id: inst.id, state: { not: 'stopped' } }, data: { state: 'stopped', healthy: false } });
      const { count } = await db.release.updateMany({ where: { id: r.id, postdeployStatus: 'running' }, data: { postdeployStatus: 'failed', postdeployFailure: failure } });
      if (count > 0) log.warn({ release: r.id, version: r.version, failure }, 'postdeploy task failed; the release stays deployed');
      changed = true;
    }
  }
  return changed;
}

/** Records a postdeploy one-off's exit (from the agent's report or the scheduler, whichever is first). */
export async function finishPostdeploy(db: Db, releaseId: string, exitCode: number | null, lastError: string | null = null): Promise<boolean> {
  const why = exitCode === null ? (lastError ?? 'ended without an exit code') : `exited with status ${exitCode}${lastError ? ` (${lastError})` : ''}`;
  const data = exitCode === 0 ? { postdeployStatus: 'succeeded' as const } : { postdeployStatus: 'failed' as const, postdeployFailure: `postdeploy task ${why}` };
  const { count } = await db.release.updateMany({ where: { id: releaseId, postdeployStatus: 'running' }, data });
  return count > 0;
}

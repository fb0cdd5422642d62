import type { Redis } from 'ioredis';
import type { Db } from '@slipway/db';
import type { ContainerReport } from '@slipway/agent/protocol';
import { DESIRED_CHANNEL, desiredNotice, runExitChannel, runExitMessage } from '@slipway/scheduler/channels';
import { finishReleasePhase, isReleasePhaseInstance } from '@slipway/scheduler/release-phase';
import { deployStepOf } from '@slipway/scheduler/deploy-task';
import { finishPostdeploy } from '@slipway/scheduler/postdeploy';
import { finishCronRun, isCronInstance } from '@slipway/scheduler/cron';
import { memoryLimitMb } from './assignments.ts';
import { publishPlatformLine } from './logs.ts';

type InstanceState = 'pending' | 'starting' | 'running' | 'draining' | 'stopped' | 'crashed';

interface Row {
  id: string;
  appId: string;
  type: string;
  name: string;
  state: InstanceState;
  healthy: boolean;
  restarts: number;
  containerId: string | null;
  hostPort: number | null;
  lastExitCode: number | null;
  lastError: string | null;
  startedAt: Date | null;
  /** A one-off's own size; others take it from the formation. */
  memoryMb: number | null;
  memoryUsedMb: number | null;
  ready: boolean;
  notReady: string | null;
}

type Patch = Partial<Pick<Row, 'state' | 'healthy' | 'containerId' | 'hostPort' | 'lastExitCode' | 'lastError' | 'startedAt'>>;

/** Why a container stopped, beyond its exit code (shown by `ps`); null for a plain exit. */
export function crashReason(c: ContainerReport, memoryMb: number | null): string | null {
  if (c.oomKilled) return memoryMb === null ? 'out of memory' : `out of memory (limit ${memoryMb} MB)`;
  if (c.error !== undefined) return `could not start: ${c.error}`;
  if (c.status !== 'exited' && c.health === 'failed') return c.checkFailure ? `failed its ${c.checkFailure}` : 'failed its health check';
  return null;
}

/**
 * What a container report means for its instance row. Only real changes are returned:
 * rewriting an unchanged row would move `updatedAt`, which times back-off and drains.
 * `memoryMb` is the instance's limit, named when it was OOM-killed.
 */
export function patchFor(row: Row, c: ContainerReport, oneOff: boolean, memoryMb: number | null = null): Patch {
  if (c.generation !== row.restarts || row.state === 'stopped' || row.state === 'crashed') return {};
  const want: Patch = { containerId: c.containerId, hostPort: c.hostPort };
  if (c.startedAt && !row.startedAt) want.startedAt = new Date(c.startedAt);
  if (c.status === 'exited' || c.health === 'failed') {
    // A draining or one-off instance that exits is simply done; anything else crashed.
    const done = oneOff || row.state === 'draining';
    Object.assign(want, { state: done ? 'stopped' : 'crashed', healthy: false, lastExitCode: c.exitCode, lastError: crashReason(c, memoryMb) });
  } else if (row.state !== 'draining' && !(c.health === 'unknown' && row.healthy)) {
    // `unknown` (an agent that just restarted and re-checks) never downgrades a healthy instance.
    const healthy = c.status === 'running' && c.health === 'healthy';
    Object.assign(want, { state: healthy ? 'running' : 'starting', healthy });
  }
  const patch: Patch = {};
  for (const [k, v] of Object.entries(want) as [keyof Patch, Patch[keyof Patch]][]) {
    const cur = row[k];
    const same = cur instanceof Date && v instanceof Date ? cur.getTime() === v.getTime() : cur === v;
    if (!same) Object.assign(patch, { [k]: v });
  }
  return patch;
}

/**
 * The memory use to store for a report, or undefined when the stored value stands: the agent
 * repeats its last sample every heartbeat, and only a change is worth a write. A container
 * that exited uses none; one not sampled yet (or an older agent) leaves the value alone.
 */
export function memoryUpdate(row: Pick<Row, 'restarts' | 'memoryUsedMb'>, c: ContainerReport): number | null | undefined {
  if (c.generation !== row.restarts) return undefined;
  const next = c.status === 'exited' ? null : c.memoryUsedMb;
  return next === undefined || next === row.memoryUsedMb ? undefined : next;
}

/**
 * The readiness to store for a report, or undefined when the stored one stands: the agent repeats
 * it every heartbeat, says nothing while it does not know, and only a change is worth a write.
 */
export function readinessUpdate(row: Pick<Row, 'restarts' | 'ready' | 'notReady'>, c: ContainerReport): { ready: boolean; notReady: string | null } | undefined {
  if (c.generation !== row.restarts || c.ready === undefined) return undefined;
  const next = { ready: c.ready, notReady: c.ready ? null : (c.notReady ?? 'a readiness check failed') };
  return next.ready === row.ready && next.notReady === row.notReady ? undefined : next;
}

/**
 * Applies one heartbeat's container reports to the node's instance rows; forgets rows whose container is gone after a stop.
 * Returns the memory the node's current instances of each app use together, as sampled.
 */
export async function applyReport(db: Db, redis: Redis, nodeId: string, reports: ContainerReport[], secret?: string): Promise<Map<string, number>> {
  const rows = await db.instance.findMany({
    where: { nodeId },
    select: { id: true, appId: true, releaseId: true, type: true, name: true, state: true, healthy: true, restarts: true, containerId: true, hostPort: true, lastExitCode: true, lastError: true, startedAt: true, memoryMb: true, memoryUsedMb: true, ready: true, notReady: true },
  });
  const reported = new Map(reports.map((r) => [r.instanceId, r]));
  const changedApps = new Set<string>();
  const usedByApp = new Map<string, number>();
  for (const row of rows) {
    const c = reported.get(row.id);
    if (c === undefined) {
      if (row.state === 'stopped') await db.instance.deleteMany({ where: { id: row.id, state: 'stopped' } });
      continue;
    }
    if (c.memoryUsedMb !== undefined && c.generation === row.restarts) usedByApp.set(row.appId, (usedByApp.get(row.appId) ?? 0) + c.memoryUsedMb);
    const used = memoryUpdate(row, c);
    // Raw, so it does not move updatedAt, which times back-off and drains.
    if (used !== undefined) await db.$executeRaw`UPDATE "Instance" SET "memoryUsedMb" = ${used} WHERE id = ${row.id}::uuid AND restarts = ${row.restarts}`;
    const readiness = readinessUpdate(row, c);
    if (readiness !== undefined) {
      // Raw like the memory use: going out of rotation and back must not restart drain or back-off timers.
      const n = await db.$executeRaw`UPDATE "Instance" SET "ready" = ${readiness.ready}, "notReady" = ${readiness.notReady} WHERE id = ${row.id}::uuid AND restarts = ${row.restarts}`;
      // The route publisher runs on the scheduler's next pass: the instance leaves the router or comes back.
      if (n > 0) changedApps.add(row.appId);
    }
    const memoryMb = c.oomKilled ? await memoryLimitOf(db, row) : null;
    const patch = patchFor(row, c, row.type === 'run', memoryMb);
    if (Object.keys(patch).length === 0) continue;
    // Guarded on the state read, so a concurrent scheduler decision (drain, stop) is never overwritten.
    const { count } = await db.instance.updateMany({ where: { id: row.id, state: row.state, restarts: row.restarts }, data: patch });
    if (count === 0) continue;
    changedApps.add(row.appId);
    // Like Heroku's R15, in the app's own log, before a one-off's exit ends its `run` stream.
    if (c.oomKilled && patch.state) await publishPlatformLine(redis, row, `Error R15 (Memory quota vastly exceeded): ${crashReason(c, memoryMb)}, process killed`, secret);
    if (row.type === 'run' && patch.state === 'stopped') await redis.publish(runExitChannel(row.id), runExitMessage(row.id, c.exitCode, secret));
    // The release phase ends as its one-off's exit is known (the scheduler also checks, whichever is first).
    if (isReleasePhaseInstance(row) && patch.state === 'stopped') await finishReleasePhase(db, row.releaseId, c.exitCode, patch.lastError ?? null, deployStepOf(row) as 'predeploy' | 'release');
    if (deployStepOf(row) === 'postdeploy' && patch.state === 'stopped') await finishPostdeploy(db, row.releaseId, c.exitCode, patch.lastError ?? null);
    if (isCronInstance(row) && patch.state === 'stopped') await finishCronRun(db, row.id, c.exitCode, patch.lastError ?? null);
  }
  for (const appId of changedApps) await redis.publish(DESIRED_CHANNEL, desiredNotice(appId, secret));
  return usedByApp;
}

/** The memory limit the instance's container got (see assignmentsFor). */
async function memoryLimitOf(db: Db, row: Row): Promise<number> {
  if (row.memoryMb !== null) return row.memoryMb;
  const formation = await db.formation.findUnique({ where: { appId_type: { appId: row.appId, type: row.type } }, select: { memoryMb: true } });
  return memoryLimitMb(null, formation?.memoryMb);
}

import { z } from 'zod';
import { Prisma, type Db } from '@slipway/db';
import type { Logger } from '@slipway/core';
import { cronJobId } from '@slipway/app-json';
import type { Policy } from './model.ts';
import type { ClusterState } from './state.ts';
import { decideCron } from './cron-plan.ts';
import { createOneOff, nodeForOneOff } from './deploy-task.ts';
import { nextNames } from './names.ts';

/** A release's stored app.json `cron` (validated by the builder; read defensively). */
export const storedCron = z.array(z.object({ command: z.string(), schedule: z.string() })).catch([]);

export const isCronInstance = (i: { type: string; name: string }): boolean => i.type === 'run' && i.name.startsWith('cron.');

/**
 * Runs the serving release's app.json cron jobs as one-offs (`cron.N`) of that release. Each due
 * slot is recorded once in CronRun under the unique (app, job, slot): a second scheduler, a
 * retried pass or a restart finds it taken and does nothing. A slot that comes while the job's
 * previous run is still going is recorded as skipped and logged.
 */
export async function runCron(db: Db, log: Logger, state: ClusterState, now: number, policy: Policy): Promise<void> {
  await finishLostRuns(db, log);
  const serving = state.apps.map((a) => a.serving).filter((id): id is string => id !== null);
  if (serving.length === 0) return;
  const releases = await db.release.findMany({ where: { id: { in: serving }, NOT: { cron: { equals: Prisma.AnyNull } } }, select: { id: true, appId: true, createdAt: true, cron: true } });
  for (const r of releases) {
    for (const job of storedCron.parse(r.cron)) {
      const id = cronJobId(job);
      const [last, running] = await Promise.all([
        db.cronRun.findFirst({ where: { appId: r.appId, job: id }, orderBy: { slot: 'desc' }, select: { slot: true } }),
        db.cronRun.findFirst({ where: { appId: r.appId, job: id, status: 'running' }, select: { slot: true } }),
      ]);
      const decision = decideCron(job.schedule, { lastSlot: last?.slot ?? null, running: running !== null }, r.createdAt, new Date(now));
      if (!decision) continue;
      if (decision.action === 'skip') {
        const made = await record(db, { appId: r.appId, releaseId: r.id, job: id, slot: decision.slot, status: 'skipped', finishedAt: new Date(now) });
        if (made) log.warn({ app: r.appId, job: job.command, slot: decision.slot, runningSince: running!.slot }, 'cron run skipped: the previous run of this job is still going');
        continue;
      }
      const nodeId = nodeForOneOff(r.appId, state, now, policy);
      if (!nodeId) {
        log.warn({ app: r.appId, job: job.command }, 'no node has room for a cron run yet');
        continue;
      }
      await db.$transaction(async (tx) => {
        const made = await record(tx, { appId: r.appId, releaseId: r.id, job: id, slot: decision.slot, status: 'running' });
        if (!made) return;
        const taken = await tx.instance.findMany({ where: { appId: r.appId, type: 'run', name: { startsWith: 'cron.' } }, select: { name: true } });
        const [name] = nextNames('cron', taken.map((t) => t.name), 1);
        const instanceId = await createOneOff(tx, { appId: r.appId, releaseId: r.id, name: name!, nodeId, command: job.command });
        await tx.cronRun.update({ where: { id: made }, data: { instanceId } });
        log.info({ app: r.appId, job: job.command, slot: decision.slot, name }, 'cron run started');
      });
    }
  }
}

/** Inserts the slot's row; null when another pass or scheduler recorded it first. */
async function record(db: Db | Prisma.TransactionClient, data: Prisma.CronRunUncheckedCreateInput): Promise<string | null> {
  // ON CONFLICT DO NOTHING, so a duplicate does not abort the surrounding transaction.
  const rows = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO "CronRun" (id, "appId", "releaseId", job, slot, status, "finishedAt")
    VALUES (gen_random_uuid(), ${data.appId}::uuid, ${data.releaseId}::uuid, ${data.job}, ${data.slot as Date}, ${data.status}::"CronRunStatus", ${(data.finishedAt as Date | undefined) ?? null})
    ON CONFLICT ("appId", job, slot) DO NOTHING RETURNING id`;
  return rows[0]?.id ?? null;
}

/** Records a cron one-off's exit (the agent's report, or below when the report was missed). */
export async function finishCronRun(db: Db, instanceId: string, exitCode: number | null, lastError: string | null = null): Promise<boolean> {
  const data = exitCode === 0
    ? { status: 'succeeded' as const, exitCode, finishedAt: new Date() }
    : { status: 'failed' as const, exitCode, failure: exitCode === null ? (lastError ?? 'ended without an exit code') : lastError, finishedAt: new Date() };
  const { count } = await db.cronRun.updateMany({ where: { instanceId, status: 'running' }, data });
  return count > 0;
}

/** Runs whose one-off stopped without a report reaching us, or whose row is gone (its node was lost). */
async function finishLostRuns(db: Db, log: Logger): Promise<void> {
  const open = await db.cronRun.findMany({ where: { status: 'running' }, select: { id: true, instanceId: true, startedAt: true } });
  if (open.length === 0) return;
  const ids = open.map((o) => o.instanceId).filter((i): i is string => i !== null);
  const rows = new Map((await db.instance.findMany({ where: { id: { in: ids } }, select: { id: true, state: true, lastExitCode: true, lastError: true } })).map((i) => [i.id, i]));
  for (const o of open) {
    const inst = o.instanceId ? rows.get(o.instanceId) : undefined;
    if (inst && (inst.state === 'stopped' || inst.state === 'crashed')) await finishCronRun(db, inst.id, inst.lastExitCode, inst.lastError);
    else if (!inst && o.instanceId) {
      const { count } = await db.cronRun.updateMany({ where: { id: o.id, status: 'running' }, data: { status: 'failed', failure: 'the run was lost before it reported an exit', finishedAt: new Date() } });
      if (count > 0) log.warn({ run: o.id }, 'cron run lost before it reported an exit');
    }
  }
}

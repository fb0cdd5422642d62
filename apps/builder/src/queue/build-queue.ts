import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '@slipway/db';
import { notFound } from '@slipway/core';
import { publishEnd } from './build-log.ts';

export const BUILD_QUEUE = 'slipway-builds';
export const cancelKey = (buildId: string): string => `slipway:build:${buildId}:cancel`;

export interface BuildJob {
  buildId: string;
}

/** `prefix` isolates queues sharing one Redis (tests); the default is BullMQ's. */
export const createBuildQueue = (connection: Redis, prefix?: string): Queue<BuildJob> => new Queue<BuildJob>(BUILD_QUEUE, { connection, ...(prefix ? { prefix } : {}) });

export interface EnqueueInput {
  app: string;
  commitSha: string;
  branch: string;
  createdById?: string;
}

/** Records a pending Build and queues it; builds of one app run one at a time, in this order. */
export async function enqueueBuild(db: Db, queue: Queue<BuildJob>, input: EnqueueInput): Promise<{ buildId: string }> {
  const app = await db.app.findUnique({ where: { name: input.app }, select: { id: true } });
  if (!app) throw notFound(`App ${input.app}`);
  const build = await db.build.create({
    data: { appId: app.id, commitSha: input.commitSha, branch: input.branch, createdById: input.createdById ?? null },
  });
  await queueBuildJob(queue, build.id);
  return { buildId: build.id };
}

/** The build's job, named by its id: adding it again while it is still queued or running does nothing. */
async function queueBuildJob(queue: Queue<BuildJob>, buildId: string): Promise<void> {
  await queue.add('build', { buildId }, { jobId: buildId, removeOnComplete: 1000, removeOnFail: 1000 });
}

/** Where the builder marks that Redis holds the queue it rebuilt (see watchRedisLoss). */
export const queueRestoredKey = (prefix?: string): string => `${prefix ?? 'bull'}:${BUILD_QUEUE}:restored`;

/**
 * The database is the record of builds; the queue is rebuilt from it after Redis lost it. Every
 * unfinished build gets its job again, oldest first; one still queued or running keeps its job
 * (same id), and one whose job ran meanwhile is skipped by the worker, which reads the row first.
 */
export async function requeueUnfinishedBuilds(db: Db, queue: Queue<BuildJob>): Promise<number> {
  const unfinished = await db.build.findMany({ where: { status: { in: ['pending', 'building'] } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: { id: true } });
  for (const { id } of unfinished) await queueBuildJob(queue, id);
  return unfinished.length;
}

/**
 * Cancels a build: a pending one is marked cancelled at once, a running one is
 * stopped by its worker (which watches the cancel key). Finished builds are left as they are.
 * `secret` signs the end entry (SLIPWAY_INTERNAL_SECRET).
 */
export async function cancelBuild(db: Db, redis: Redis, buildId: string, secret?: string): Promise<void> {
  const { count } = await db.build.updateMany({
    where: { id: buildId, status: 'pending' },
    data: { status: 'cancelled', failure: 'Cancelled before it started', finishedAt: new Date() },
  });
  if (count > 0) await publishEnd(redis, buildId, { status: 'cancelled', failure: 'Cancelled before it started' }, secret);
  else await redis.set(cancelKey(buildId), '1', 'EX', 3600);
}

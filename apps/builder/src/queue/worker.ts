import { DelayedError, Worker, type Job } from 'bullmq';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { publishEnd } from './build-log.ts';
import { BUILD_QUEUE, type BuildJob } from './build-queue.ts';
import { processBuild, type BuildDeps } from './process-build.ts';
import { headOfAppQueue } from './records.ts';

const WAIT_TURN_MS = 1000;

/**
 * The build worker: up to `concurrency` builds at once, one per app. A job whose
 * app is busy (or has an older build waiting) steps aside and is retried shortly;
 * when a build finishes, the app's next build is promoted at once.
 */
export function startBuildWorker(deps: BuildDeps, queue: Queue<BuildJob>, connection: Redis, concurrency: number, prefix?: string): Worker<BuildJob> {
  return new Worker<BuildJob>(
    BUILD_QUEUE,
    async (job: Job<BuildJob>, token?: string) => {
      const { buildId } = job.data;
      const build = await deps.db.build.findUnique({ where: { id: buildId }, select: { appId: true, status: true } });
      if (!build || ['succeeded', 'failed', 'cancelled'].includes(build.status)) return { skipped: true };
      if ((await headOfAppQueue(deps.db, build.appId)) !== buildId) {
        await job.moveToDelayed(Date.now() + WAIT_TURN_MS, token);
        throw new DelayedError();
      }
      const outcome = await processBuild(deps, buildId).catch(async (err: unknown) => {
        // Infrastructure failure (database, Docker): still end the build so nobody waits forever.
        const failure = `Build could not run: ${err instanceof Error ? err.message : String(err)}`;
        await deps.db.build.update({ where: { id: buildId }, data: { status: 'failed', failure, finishedAt: new Date() } }).catch(() => undefined);
        await publishEnd(deps.redis, buildId, { status: 'failed', failure });
        throw err;
      });
      const next = await headOfAppQueue(deps.db, build.appId);
      if (next) await (await queue.getJob(next))?.promote().catch(() => undefined);
      return outcome;
    },
    { connection, concurrency, maxStalledCount: 1, lockDuration: 30_000, ...(prefix ? { prefix } : {}) },
  );
}
